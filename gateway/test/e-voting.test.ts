/**
 * Secret elections through the gateway with real RFC 9474 blind signatures: the
 * gateway generates and holds the authority key, blind-signs once per voter only
 * after RequestToken committed under the voter's identity, and the ballot box
 * casts without voter credentials.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import crypto, { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { eVoting } from '@govledger/wire';
import { chaincodeRefusal } from './fake-ledger';
import { makeHarness, type Harness } from './harness';

const PID = 'f0'.repeat(32);
const suite = RSABSSA.SHA384.PSS.Randomized();
let h: Harness;
let admin: string;
let voter: string;
let stored: { mode: { kind: string; authority?: { fingerprint: string } } } | undefined;

beforeEach(async () => {
  h = await makeHarness();
  await h.wallet.put({ ...(await h.wallet.get('CityAMSP', 'alice'))!, label: 'ballot-box-a' });
  admin = await h.bearer({ sub: 'alice', roles: ['election-admin'], dept: 'civil' });
  voter = await h.bearer({ sub: 'alice', roles: ['citizen'], pid: PID });
  stored = undefined;
  h.ledger.on('e-voting', 'CreateElection', (req) => {
    const r = req as {
      electionId: string;
      mode: { kind: string; authority?: { publicKey: { pem: string } } };
    };
    const authority = r.mode.authority
      ? {
          fingerprint: crypto
            .createHash('sha256')
            .update(
              crypto.createPublicKey(r.mode.authority.publicKey.pem).export({ type: 'spki', format: 'der' }),
            )
            .digest('hex'),
        }
      : undefined;
    stored = { mode: { kind: r.mode.kind, ...(authority ? { authority } : {}) } };
    return { electionId: r.electionId, mode: r.mode };
  });
  h.ledger.on('e-voting', 'GetElection', () => ({ election: stored, phase: 'open' }));
  h.ledger.on('e-voting', 'RequestToken', (req, identity) => ({
    electionId: (req as { electionId: string }).electionId,
    voter: { mspId: identity.mspId, pid: PID },
    txId: 'x',
  }));
  h.ledger.on('e-voting', 'CastSecretBallot', (req, identity) => ({
    receipt: 'r',
    castBy: identity.label,
    request: req,
  }));
});
afterEach(() => h.close());

const election = (mode: object) => ({
  electionId: 'E-SECRET',
  title: 'Build the library?',
  ballot: { kind: 'yesNoAbstain' },
  opensAt: '2030-03-01T09:00:00Z',
  closesAt: '2030-03-01T17:00:00Z',
  eligibility: { kind: 'roll' },
  quorum: { kind: 'none' },
  passThresholdPerMille: 500,
  mode,
});

async function createSecret(): Promise<string> {
  const res = await request(h.gateway.app)
    .post('/api/v1/elections')
    .set('Authorization', admin)
    .send(election({ kind: 'secret', authority: {} }))
    .expect(201);
  const pem = res.body.result.mode.authority.publicKey.pem as string;
  expect(res.body.result.mode.authority.variant).toBe('RSABSSA-SHA384-PSS-Randomized');
  return pem;
}

async function blind(pem: string) {
  const der = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const publicKey = await webcrypto.subtle.importKey(
    'spki',
    der,
    { name: 'RSA-PSS', hash: 'SHA-384' },
    true,
    ['verify'],
  );
  const message = new TextEncoder().encode(
    eVoting.tokenMessage('E-SECRET', crypto.randomBytes(32).toString('hex')),
  );
  const prepared = suite.prepare(message);
  const { blindedMsg, inv } = await suite.blind(publicKey as Parameters<typeof suite.blind>[0], prepared);
  return { publicKey, prepared, blindedMsg, inv };
}

describe('secret elections', () => {
  it('generates the authority key, keeps the private half sealed, and sends only the public key', async () => {
    const pem = await createSecret();
    expect(pem).toContain('BEGIN PUBLIC KEY');
    const sent = h.ledger.calls.find((c) => c.invocation.transaction === 'CreateElection')!;
    expect(JSON.stringify(sent.request)).not.toContain('PRIVATE');
    const keyFile = fs.readFileSync(path.join(h.dir, 'election-keys', 'E-SECRET.key.json'), 'utf8');
    expect(keyFile).not.toContain('PRIVATE KEY');
    // creating again reuses the same key (a retried creation cannot switch keys)
    const again = await request(h.gateway.app)
      .post('/api/v1/elections')
      .set('Authorization', admin)
      .send(election({ kind: 'secret', authority: {} }))
      .expect(201);
    expect(again.body.result.mode.authority.publicKey.pem).toBe(pem);
  });

  it('blind-signs after the token request commits; the voter finalizes a valid signature; only once per voter', async () => {
    const pem = await createSecret();
    const b = await blind(pem);
    const res = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: Buffer.from(b.blindedMsg).toString('base64url') })
      .expect(200);
    const requested = h.ledger.calls.filter((c) => c.invocation.transaction === 'RequestToken');
    expect(requested).toHaveLength(1);
    expect(requested[0].identity.label).toBe('alice');
    expect(requested[0].request).toEqual({ electionId: 'E-SECRET' });
    const signature = await suite.finalize(
      b.publicKey as Parameters<typeof suite.finalize>[0],
      b.prepared,
      Buffer.from(res.body.blindSig, 'base64url'),
      b.inv,
    );
    expect(signature.length).toBe(256);

    const retry = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: Buffer.from(b.blindedMsg).toString('base64url') })
      .expect(200);
    expect(retry.body.blindSig).toBe(res.body.blindSig);
    const other = await blind(pem);
    const refused = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: Buffer.from(other.blindedMsg).toString('base64url') })
      .expect(409);
    expect(refused.body.code).toBe('TOKEN_ALREADY_ISSUED');
    expect(h.ledger.calls.filter((c) => c.invocation.transaction === 'RequestToken')).toHaveLength(1);

    // the ballot box casts without voter credentials, as the ballot-box identity
    const cast = await request(h.gateway.app)
      .post('/api/v1/ballot-box/elections/E-SECRET/ballots')
      .send({
        choices: ['yes'],
        token: Buffer.from(b.prepared).toString('base64url'),
        signature: Buffer.from(signature).toString('base64url'),
      })
      .expect(200);
    expect(cast.body.result.castBy).toBe('ballot-box-a');
    expect(h.logs.join('')).not.toContain(Buffer.from(signature).toString('base64url'));
  });

  it('signs nothing when the chaincode refuses the token request', async () => {
    const pem = await createSecret();
    h.ledger.on('e-voting', 'RequestToken', () =>
      chaincodeRefusal('INELIGIBLE_VOTER', 403, 'not on the roll'),
    );
    const b = await blind(pem);
    const res = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: Buffer.from(b.blindedMsg).toString('base64url') })
      .expect(403);
    expect(res.body.code).toBe('INELIGIBLE_VOTER');
    expect(res.body.blindSig).toBeUndefined();
  });

  it('refuses a wrong-length or non-canonical blinded message, an open election and a key it does not hold', async () => {
    const pem = await createSecret();
    await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: 'AAAA' })
      .expect(400);
    await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: 'AB' })
      .expect(400);
    const b = await blind(pem);
    stored = { mode: { kind: 'secret', authority: { fingerprint: '0'.repeat(64) } } };
    const mismatch = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: Buffer.from(b.blindedMsg).toString('base64url') })
      .expect(409);
    expect(mismatch.body.code).toBe('ELECTION_KEY_MISMATCH');
    stored = { mode: { kind: 'open' } };
    const open = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', voter)
      .send({ blindedMsg: Buffer.from(b.blindedMsg).toString('base64url') })
      .expect(409);
    expect(open.body.code).toBe('WRONG_MODE');
    expect(h.ledger.calls.filter((c) => c.invocation.transaction === 'RequestToken')).toHaveLength(0);
  });

  it('passes a caller-held public key through and validates election shapes', async () => {
    const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const res = await request(h.gateway.app)
      .post('/api/v1/elections')
      .set('Authorization', admin)
      .send(
        election({
          kind: 'secret',
          authority: { variant: 'RSABSSA-SHA384-PSS-Deterministic', publicKey: { format: 'spki-pem', pem } },
        }),
      )
      .expect(201);
    expect(res.body.result.mode.authority.publicKey.pem).toBe(pem);
    expect(fs.existsSync(path.join(h.dir, 'election-keys', 'E-SECRET.key.json'))).toBe(false);
    const bad = await request(h.gateway.app)
      .post('/api/v1/elections')
      .set('Authorization', admin)
      .send({
        ...election({ kind: 'open', secondBallot: 'refuse' }),
        closesAt: '2030-03-01T08:00:00Z',
        quorum: { kind: 'perMilleOfRoll', perMille: 10 },
        eligibility: { kind: 'rule', mspIds: ['CityAMSP'] },
      })
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['closesAt', 'quorum.kind']);
    await request(h.gateway.app)
      .post('/api/v1/elections')
      .set('Authorization', voter)
      .send(election({ kind: 'open', secondBallot: 'refuse' }))
      .expect(403);
  });

  it('the ballot box validates ballots and needs no token', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/ballot-box/elections/E-SECRET/ballots')
      .send({ choices: ['yes'], token: 'not base64url!', signature: 'AA' })
      .expect(400);
    expect(res.body.errors[0].path).toBe('token');
    expect(h.ledger.calls).toHaveLength(0);
  });
});
