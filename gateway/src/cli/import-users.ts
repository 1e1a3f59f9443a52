#!/usr/bin/env node
/**
 * Imports the network's users into the gateway wallet (the gateway also does it
 * at start when WALLET_IMPORT_USERS_DIR is set).
 *
 *   import-users <usersDir> [MSPID ...]     uses WALLET_DIR and WALLET_KEY like the gateway
 */
import path from 'node:path';
import { importUsers } from '../fabric/msp-import';
import { Wallet } from '../fabric/wallet';

async function main(argv: string[]): Promise<void> {
  const [usersDir, ...orgs] = argv;
  if (!usersDir) throw new Error('usage: import-users <usersDir> [MSPID ...]');
  const key = process.env.WALLET_KEY ?? '';
  const keyBytes = /^[0-9a-fA-F]{64}$/.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64');
  if (keyBytes.length !== 32) throw new Error('WALLET_KEY must be 64 hex characters or 32 bytes in base64');
  const wallet = new Wallet(path.resolve(process.env.WALLET_DIR || '.gateway/wallet'), keyBytes);
  const served = new Set(orgs.length > 0 ? orgs : ['CityAMSP', 'CityBMSP', 'AuditMSP']);
  const report = await importUsers(wallet, path.resolve(usersDir), served);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`import-users: ${(err as Error).message}\n`);
  process.exit(1);
});
