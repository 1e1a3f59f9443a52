import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importUsers, readMspFolder } from '../src/fabric/msp-import';
import { open, seal } from '../src/sealed-box';
import { Wallet } from '../src/fabric/wallet';
import { ALICE, BOB, WALLET_KEY } from './harness';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'gw-wallet-'));

describe('sealed box (AES-256-GCM)', () => {
  it('round-trips and refuses a wrong key, wrong AAD or tampered data', () => {
    const s = seal(WALLET_KEY, Buffer.from('secret'), 'place');
    expect(open(WALLET_KEY, s, 'place').toString()).toBe('secret');
    expect(() => open(Buffer.alloc(32, 1), s, 'place')).toThrow();
    expect(() => open(WALLET_KEY, s, 'elsewhere')).toThrow();
    const data = Buffer.from(s.data, 'base64');
    data[0] ^= 1;
    expect(() => open(WALLET_KEY, { ...s, data: data.toString('base64') }, 'place')).toThrow();
    expect(seal(WALLET_KEY, Buffer.from('secret'), 'place').iv).not.toBe(s.iv);
  });
});

describe('wallet', () => {
  it('stores identities encrypted at rest and reads them back', async () => {
    const dir = tmp();
    const w = new Wallet(dir, WALLET_KEY);
    await w.put({ mspId: 'CityAMSP', label: 'alice', ...ALICE, attrs: { 'gov.role': 'issuer' } });
    const file = path.join(dir, 'CityAMSP', 'alice.id.json');
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain('CERTIFICATE');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const fresh = new Wallet(dir, WALLET_KEY);
    expect(await fresh.get('CityAMSP', 'alice')).toEqual({
      mspId: 'CityAMSP',
      label: 'alice',
      ...ALICE,
      attrs: { 'gov.role': 'issuer' },
    });
    expect(await fresh.get('CityAMSP', 'nobody')).toBeUndefined();
    expect(await fresh.list('CityAMSP')).toEqual(['alice']);
    await expect(new Wallet(dir, Buffer.alloc(32, 9)).get('CityAMSP', 'alice')).rejects.toThrow();
  });

  it('refuses an entry moved to another label', async () => {
    const dir = tmp();
    const w = new Wallet(dir, WALLET_KEY);
    await w.put({ mspId: 'CityAMSP', label: 'alice', ...ALICE });
    fs.copyFileSync(
      path.join(dir, 'CityAMSP', 'alice.id.json'),
      path.join(dir, 'CityAMSP', 'mallory.id.json'),
    );
    await expect(new Wallet(dir, WALLET_KEY).get('CityAMSP', 'mallory')).rejects.toThrow();
  });

  it('refuses labels that could escape the folder', async () => {
    const w = new Wallet(tmp(), WALLET_KEY);
    await expect(w.put({ mspId: 'CityAMSP', label: '../x', ...ALICE })).rejects.toThrow(/label/);
    await expect(w.get('../CityAMSP', 'alice')).resolves.toBeUndefined();
    await expect(w.get('CityAMSP', '../../etc/passwd')).resolves.toBeUndefined();
  });

  it('removes identities', async () => {
    const w = new Wallet(tmp(), WALLET_KEY);
    await w.put({ mspId: 'CityBMSP', label: 'bob', ...BOB });
    expect(await w.remove('CityBMSP', 'bob')).toBe(true);
    expect(await w.get('CityBMSP', 'bob')).toBeUndefined();
    expect(await w.remove('CityBMSP', 'bob')).toBe(false);
  });
});

function writeUser(
  usersDir: string,
  name: string,
  creds: { certificate: string; privateKey: string },
  mspId?: string,
  pid?: string,
  keyName = 'key.pem',
) {
  const msp = path.join(usersDir, name, 'msp');
  fs.mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
  fs.mkdirSync(path.join(msp, 'keystore'), { recursive: true });
  fs.writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), creds.certificate);
  fs.writeFileSync(path.join(msp, 'keystore', keyName), creds.privateKey);
  if (mspId) fs.writeFileSync(path.join(usersDir, name, 'mspid'), `${mspId}\n`);
  if (pid) fs.writeFileSync(path.join(usersDir, name, 'pid'), `${pid}\n`);
}

describe('import from the network MSP folders', () => {
  it('imports users with their organisation and pid, skips the rest, and is idempotent', async () => {
    const usersDir = tmp();
    writeUser(usersDir, 'issuer-a', ALICE, 'CityAMSP');
    writeUser(usersDir, 'citizen-b1', BOB, 'CityBMSP', 'd'.repeat(64));
    writeUser(usersDir, 'auditor-audit', BOB, 'AuditMSP');
    writeUser(usersDir, 'nomsp', ALICE);
    fs.mkdirSync(path.join(usersDir, 'broken', 'msp'), { recursive: true });
    fs.writeFileSync(path.join(usersDir, 'broken', 'mspid'), 'CityAMSP');
    const wallet = new Wallet(tmp(), WALLET_KEY);
    const report = await importUsers(wallet, usersDir, new Set(['CityAMSP', 'CityBMSP']));
    expect(report.imported.sort()).toEqual(['CityAMSP/issuer-a', 'CityBMSP/citizen-b1']);
    expect(report.skipped.map((s) => s.name).sort()).toEqual(['auditor-audit', 'broken', 'nomsp']);
    expect(await wallet.get('CityBMSP', 'citizen-b1')).toMatchObject({
      certificate: BOB.certificate,
      privateKey: BOB.privateKey,
      attrs: { 'gov.pid': 'd'.repeat(64) },
    });
    const again = await importUsers(wallet, usersDir, new Set(['CityAMSP', 'CityBMSP']));
    expect(again.imported).toEqual([]);
    expect(again.unchanged).toHaveLength(2);
  });

  it('reads an MSP folder whose key has a CA-generated name', async () => {
    const usersDir = tmp();
    writeUser(usersDir, 'admin', ALICE, undefined, undefined, '0123abcd_sk');
    await expect(readMspFolder(path.join(usersDir, 'admin', 'msp'))).resolves.toEqual(ALICE);
  });
});
