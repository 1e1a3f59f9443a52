#!/usr/bin/env node
// The backup helpers of the network scripts (lib/backup.sh). SQLite through better-sqlite3 (the
// gateway's own dependency): never copy a live SQLite database file, since a database in WAL mode
// keeps committed transactions in its -wal file until a checkpoint and a copy taken during a
// write is torn.
//
//   backup-tools.js sqlite-backup SRC DEST   SQLite's online backup API: a consistent copy of SRC
//                                            (its committed transactions, WAL included) written to
//                                            DEST as one file, then checked (PRAGMA
//                                            integrity_check); DEST is 0600; prints row counts
//   backup-tools.js sqlite-check FILE        PRAGMA integrity_check of FILE; prints its tables and
//                                            their row counts as JSON
//   backup-tools.js manifest OUT KEY=VALUE... writes a backup's manifest.json (numbers for the
//                                            numeric fields, no field left empty)
//
// Exit codes: 0 done, 1 failed, 2 bad usage.
'use strict';
const fs = require('fs');
const path = require('path');

function openDatabase(file, options) {
  const Database = require('better-sqlite3');
  return new Database(file, options);
}

/** integrity_check of FILE, or throws. */
function integrity(file) {
  const db = openDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check', { simple: false });
    const ok = rows.length === 1 && rows[0].integrity_check === 'ok';
    if (!ok) throw new Error(`${file} fails integrity_check: ${JSON.stringify(rows)}`);
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((r) => r.name);
    const counts = {};
    for (const t of tables)
      counts[t] = db.prepare(`SELECT COUNT(*) AS n FROM "${t.replace(/"/g, '""')}"`).get().n;
    return counts;
  } finally {
    db.close();
  }
}

async function backup(src, dest) {
  if (!fs.existsSync(src)) throw new Error(`no database ${src}`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.rmSync(dest, { force: true });
  // not read-only: a WAL database opened read-only cannot be read while its -shm is missing
  const db = openDatabase(src, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    await db.backup(dest);
  } finally {
    db.close();
  }
  // the copy is a single self-contained file: back to the rollback journal, no -wal beside it
  const copy = openDatabase(dest, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  fs.chmodSync(dest, 0o600);
  return integrity(dest);
}

const MANIFEST_FIELDS = {
  format: 'number',
  organisation: 'string',
  mspId: 'string',
  channel: 'string',
  createdAt: 'string',
  peerHeight: 'number',
  gateway: 'boolean',
  snapshotBlock: 'number',
};

/** The manifest of a backup from KEY=VALUE arguments; an empty VALUE leaves the field out. */
function manifest(pairs) {
  const out = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : '';
    const type = MANIFEST_FIELDS[key];
    if (!type) throw new Error(`unknown manifest field in '${pair}'`);
    const raw = pair.slice(eq + 1);
    if (raw === '') continue;
    if (type === 'number') {
      if (!/^[0-9]+$/.test(raw)) throw new Error(`${key} must be a whole number, not '${raw}'`);
      out[key] = Number(raw);
    } else if (type === 'boolean') {
      if (raw !== 'yes' && raw !== 'no') throw new Error(`${key} must be yes or no, not '${raw}'`);
      out[key] = raw === 'yes';
    } else {
      out[key] = raw;
    }
  }
  for (const key of ['format', 'organisation', 'mspId', 'channel', 'createdAt'])
    if (!(key in out)) throw new Error(`the manifest needs ${key}`);
  return out;
}

async function main(argv) {
  const [command, ...args] = argv;
  if (command === 'sqlite-backup' && args.length === 2) {
    const counts = await backup(args[0], args[1]);
    process.stdout.write(`${JSON.stringify(counts)}\n`);
  } else if (command === 'sqlite-check' && args.length === 1) {
    process.stdout.write(`${JSON.stringify(integrity(args[0]))}\n`);
  } else if (command === 'manifest' && args.length >= 1) {
    fs.writeFileSync(args[0], `${JSON.stringify(manifest(args.slice(1)), null, 2)}\n`, { mode: 0o600 });
  } else {
    process.stderr.write(
      'usage: backup-tools.js sqlite-backup SRC DEST | sqlite-check FILE | manifest OUT KEY=VALUE...\n',
    );
    process.exit(2);
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`backup-tools: ${err.message}\n`);
  process.exit(1);
});
