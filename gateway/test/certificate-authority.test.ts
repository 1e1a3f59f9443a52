/**
 * FabricCertificateAuthorities against a stubbed fabric-ca-client: the pid search reads every
 * organisation's identity registry (own first) and fails closed; the allow-list comes from the
 * organisation profile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OrgProfile } from '../src/config';
import { ADMIN_A } from './harness';

const registries = new Map<string, unknown>();
const constructed: string[] = [];

jest.mock('fabric-ca-client', () =>
  jest.fn().mockImplementation((url: string) => {
    constructed.push(url);
    return {
      newIdentityService: () => ({
        getAll: async () => {
          const res = registries.get(url);
          if (res instanceof Error) throw res;
          return res;
        },
      }),
    };
  }),
);

// imported after the mock is declared (jest hoists jest.mock above imports anyway)
import {
  CaNotConfigured,
  CaUnavailable,
  enrolmentIdOf,
  FabricCertificateAuthorities,
} from '../src/fabric/certificate-authority';
import { toProblem } from '../src/http/problem';

const PID = 'c3'.repeat(32);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-ca-'));
const msp = path.join(dir, 'msp');
fs.mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
fs.mkdirSync(path.join(msp, 'keystore'), { recursive: true });
fs.writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), ADMIN_A.certificate);
fs.writeFileSync(path.join(msp, 'keystore', 'key.pem'), ADMIN_A.privateKey);

function org(mspId: string, url: string | undefined, issuableRoles?: string[]): OrgProfile {
  const profile: OrgProfile = {
    name: mspId.replace(/MSP$/, ''),
    mspId,
    peerEndpoint: 'h:1',
    tlsRootCert: Buffer.from('PEM'),
  };
  if (url)
    profile.ca = { url, caName: `ca-${profile.name}`, tlsRootCert: Buffer.from('PEM'), registrarMspDir: msp };
  if (issuableRoles) profile.issuableRoles = issuableRoles;
  return profile;
}

const ok = (identities: unknown) => ({
  success: true,
  result: { identities, caname: 'x' },
  errors: [],
  messages: [],
});

beforeEach(() => {
  registries.clear();
  constructed.length = 0;
});

describe('FabricCertificateAuthorities', () => {
  const cas = new FabricCertificateAuthorities([
    org('CityAMSP', 'https://ca-a:1', ['officer']),
    org('CityBMSP', 'https://ca-b:2'),
    org('AuditMSP', undefined),
  ]);

  it('finds the holders of a pid in every registry it can read, its own first', async () => {
    registries.set(
      'https://ca-a:1',
      ok([
        { id: 'citizen-a1', type: 'client', attrs: [{ name: 'gov.pid', value: PID, ecert: true }] },
        { id: 'officer-a', type: 'client', attrs: [{ name: 'gov.role', value: 'officer' }] },
        { id: 'no-attrs', type: 'client' },
      ]),
    );
    registries.set('https://ca-b:2', ok([{ id: 'citizen-b1', attrs: [{ name: 'gov.pid', value: PID }] }]));
    await expect(cas.holdersOfPid('CityBMSP', PID)).resolves.toEqual([
      { mspId: 'CityBMSP', name: 'citizen-b1' },
      { mspId: 'CityAMSP', name: 'citizen-a1' },
    ]);
    expect(constructed).toEqual(['https://ca-b:2', 'https://ca-a:1']);
    registries.set('https://ca-b:2', ok(null));
    await expect(cas.holdersOfPid('CityBMSP', 'd4'.repeat(32))).resolves.toEqual([]);
  });

  it('fails closed when a registry cannot be read (503 CA_UNAVAILABLE)', async () => {
    registries.set('https://ca-a:1', ok([]));
    registries.set('https://ca-b:2', new Error('connect ECONNREFUSED'));
    const err: unknown = await cas.holdersOfPid('CityAMSP', PID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaUnavailable);
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'CA_UNAVAILABLE' });
    registries.set('https://ca-b:2', {
      success: false,
      result: null,
      errors: [{ code: 1, message: 'no' }],
      messages: [],
    });
    const refused: unknown = await cas.holdersOfPid('CityAMSP', PID).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CaUnavailable);
    expect(toProblem(refused)).toMatchObject({ status: 503, code: 'CA_UNAVAILABLE' });
  });

  it('needs its own registrar to search', async () => {
    const err: unknown = await cas.holdersOfPid('AuditMSP', PID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaNotConfigured);
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'CA_NOT_CONFIGURED' });
  });

  it('answers the allow-list of each organisation (none when unset)', () => {
    expect(cas.issuableRoles('CityAMSP')).toEqual(['officer']);
    expect(cas.issuableRoles('CityBMSP')).toEqual([]);
    expect(cas.issuableRoles('OtherMSP')).toEqual([]);
  });
});

describe('enrolment ids', () => {
  it('are opaque for pseudonymous users (the first 32 hex digits of the pid) and the name for staff', () => {
    expect(enrolmentIdOf({ name: 'citizen-x', attrs: { 'gov.role': 'citizen', 'gov.pid': PID } })).toBe(
      PID.slice(0, 32),
    );
    expect(enrolmentIdOf({ name: 'officer-x', attrs: { 'gov.role': 'officer' } })).toBe('officer-x');
  });
});
