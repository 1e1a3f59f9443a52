#!/usr/bin/env node
/**
 * Fails when the committed src/generated/schema.ts is not what openapi-typescript writes from
 * the gateway's current OpenAPI document (openapi.json, written by `npm run openapi` from the
 * built gateway). The generated types are committed so that this package builds BEFORE the
 * gateway (whose demo uses the client); this check keeps them from drifting from the contract.
 * Run it with `npm run check:generated` (it writes openapi.json first). Fix a failure with `npm run generate -w clients/typescript` and commit the result.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const committed = path.join(root, 'src', 'generated', 'schema.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govledger-client-'));
const fresh = path.join(dir, 'schema.ts');
try {
  // `npm run check:generated` puts node_modules/.bin on the PATH
  execFileSync('openapi-typescript', [path.join(root, 'openapi.json'), '--output', fresh], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const want = fs.readFileSync(fresh, 'utf8');
  const have = fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '';
  if (want !== have) {
    process.stderr.write(
      'clients/typescript/src/generated/schema.ts is not generated from the current OpenAPI document:\n' +
        '  run `npm run generate -w clients/typescript` and commit src/generated/schema.ts\n',
    );
    process.exit(1);
  }
  process.stdout.write('src/generated/schema.ts matches the OpenAPI document\n');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
