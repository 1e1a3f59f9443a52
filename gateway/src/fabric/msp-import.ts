/**
 * Imports identities from the MSP folders the network scripts create:
 * `<usersDir>/<name>/msp/signcerts/cert.pem`, `<usersDir>/<name>/msp/keystore/key.pem`,
 * `<usersDir>/<name>/mspid` (the organisation) and, for citizens and enterprises,
 * `<usersDir>/<name>/pid` (the pseudonymous id). Each user becomes the wallet
 * identity labelled `<name>` in its organisation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SUBJECT_PATTERN } from '../caller';
import type { Wallet, WalletIdentity } from './wallet';

/** Certificate and private key read from an MSP folder. */
export interface MspCredentials {
  certificate: string;
  privateKey: string;
}

async function firstFile(dir: string, preferred: string): Promise<string> {
  try {
    return await fs.readFile(path.join(dir, preferred), 'utf8');
  } catch {
    const names = (await fs.readdir(dir)).filter((n) => !n.startsWith('.')).sort();
    if (names.length === 0) throw new Error(`${dir} is empty`);
    return fs.readFile(path.join(dir, names[0]), 'utf8');
  }
}

/** Reads `signcerts/` and `keystore/` of an MSP folder (cert.pem / key.pem, else the first file). */
export async function readMspFolder(mspDir: string): Promise<MspCredentials> {
  const certificate = await firstFile(path.join(mspDir, 'signcerts'), 'cert.pem');
  const privateKey = await firstFile(path.join(mspDir, 'keystore'), 'key.pem');
  crypto.createPrivateKey(privateKey); // refuses anything that is not a key
  new crypto.X509Certificate(certificate); // refuses anything that is not a certificate
  return { certificate, privateKey };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    const text = (await fs.readFile(file, 'utf8')).trim();
    return text.length > 0 ? text : undefined;
  } catch {
    return undefined;
  }
}

/** What an import did. */
export interface ImportReport {
  /** Identities written (new or with a changed certificate). */
  imported: string[];
  /** Identities already in the wallet with the same certificate. */
  unchanged: string[];
  /** Users skipped, with the reason. */
  skipped: { name: string; reason: string }[];
}

/**
 * Imports every user folder under `usersDir`. `fallbackMspId` names the organisation of
 * users whose folder has no `mspid` file. Only organisations in `servedOrgs` are imported.
 */
export async function importUsers(
  wallet: Wallet,
  usersDir: string,
  servedOrgs: ReadonlySet<string>,
  fallbackMspId?: string,
): Promise<ImportReport> {
  const report: ImportReport = { imported: [], unchanged: [], skipped: [] };
  const names = (await fs.readdir(usersDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const dir = path.join(usersDir, name);
    if (!SUBJECT_PATTERN.test(name)) {
      report.skipped.push({ name, reason: 'name is not a valid wallet label' });
      continue;
    }
    const mspId = (await readOptional(path.join(dir, 'mspid'))) ?? fallbackMspId;
    if (!mspId) {
      report.skipped.push({ name, reason: 'no mspid file' });
      continue;
    }
    if (!servedOrgs.has(mspId)) {
      report.skipped.push({ name, reason: `organisation ${mspId} is not served by this gateway` });
      continue;
    }
    let creds: MspCredentials;
    try {
      creds = await readMspFolder(path.join(dir, 'msp'));
    } catch (err) {
      report.skipped.push({
        name,
        reason: `unreadable MSP folder: ${(err as Error).message.split('\n')[0]}`,
      });
      continue;
    }
    const existing = await wallet.get(mspId, name);
    if (existing && existing.certificate === creds.certificate && existing.privateKey === creds.privateKey) {
      report.unchanged.push(`${mspId}/${name}`);
      continue;
    }
    const identity: WalletIdentity = { mspId, label: name, ...creds };
    const pid = await readOptional(path.join(dir, 'pid'));
    if (pid) identity.attrs = { 'gov.pid': pid };
    await wallet.put(identity);
    report.imported.push(`${mspId}/${name}`);
  }
  return report;
}
