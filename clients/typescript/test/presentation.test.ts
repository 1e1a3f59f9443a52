/**
 * Offline presentation verification (src/presentation.ts): a token made here exactly as the
 * gateway makes it (docs/presentation.md) verifies with the published keys alone; tampered,
 * expired, foreign-signed and malformed tokens fail with their reason.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { verifyPresentation, type PresentationJwk } from '../src/presentation';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
const ledgerHash = (salt: string, value: string) =>
  createHash('sha256').update(`${salt}|${value}`).digest('hex');

function keyPair(): { privateKey: KeyObject; jwk: PresentationJwk } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = publicKey.export({ format: 'jwk' });
  const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: String(j.x), y: String(j.y) };
  const kid = createHash('sha256')
    .update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`)
    .digest('base64url');
  return { privateKey, jwk: { ...jwk, kid, mspId: 'CityAMSP', alg: 'ES256', use: 'sig' } };
}

const SALT = 'a1'.repeat(16);
const IAT = 1_800_000_000;

function makeToken(
  signer: KeyObject,
  kid: string,
  claims: Record<string, string>,
  payloadExtra: Record<string, unknown> = {},
): { token: string; disclosures: string[] } {
  const disclosures = Object.entries(claims).map(([n, v]) => b64([SALT, n, v]));
  const payload = {
    iss: 'CityAMSP',
    iat: IAT,
    exp: IAT + 300,
    licence_id: 'L1',
    licence_type: 'A-BIZ',
    status_url: 'https://gw.example/api/v1/public/presentations/verify',
    _sd_alg: 'sha-256',
    _sd: disclosures.map(digest).sort(),
    claim_hashes: Object.fromEntries(Object.entries(claims).map(([n, v]) => [n, ledgerHash(SALT, v)])),
    ...payloadExtra,
  };
  const input = `${b64({ alg: 'ES256', typ: 'vc+sd-jwt', kid })}.${b64(payload)}`;
  const sig = sign('sha256', Buffer.from(input), { key: signer, dsaEncoding: 'ieee-p1363' }).toString(
    'base64url',
  );
  return { token: `${input}.${sig}~${disclosures.map((d) => `${d}~`).join('')}`, disclosures };
}

const at = (sec: number) => new Date(sec * 1000);

describe('verifyPresentation (offline)', () => {
  const issuer = keyPair();
  const jwks = { keys: [issuer.jwk] };

  it('accepts a genuine presentation and returns the disclosed claims, status unchecked', async () => {
    const { token } = makeToken(issuer.privateKey, issuer.jwk.kid, {
      companyName: 'Acme',
      businessScope: 'retail',
    });
    expect(await verifyPresentation(token, jwks, at(IAT + 10))).toEqual({
      valid: true,
      issuer: 'CityAMSP',
      licenceId: 'L1',
      licenceType: 'A-BIZ',
      statusUrl: 'https://gw.example/api/v1/public/presentations/verify',
      issuedAt: at(IAT),
      expiresAt: at(IAT + 300),
      claims: { companyName: 'Acme', businessScope: 'retail' },
      statusUnchecked: true,
    });
  });

  it('fails an expired presentation', async () => {
    const { token } = makeToken(issuer.privateKey, issuer.jwk.kid, { companyName: 'Acme' });
    expect(await verifyPresentation(token, jwks, at(IAT + 300))).toEqual({
      valid: false,
      reason: 'PRESENTATION_EXPIRED',
    });
  });

  it('fails tampered presentations', async () => {
    const { token, disclosures } = makeToken(issuer.privateKey, issuer.jwk.kid, { companyName: 'Acme' });
    const jws = token.split('~')[0] ?? '';
    const forged = b64([SALT, 'companyName', 'Evil Corp']);
    expect(await verifyPresentation(`${jws}~${forged}~`, jwks, at(IAT))).toMatchObject({
      reason: 'DISCLOSURE_MISMATCH',
    });
    expect(
      await verifyPresentation(`${jws}~${disclosures[0]}~${disclosures[0]}~`, jwks, at(IAT)),
    ).toMatchObject({
      reason: 'DISCLOSURE_MISMATCH',
    });
    const [h, , s] = jws.split('.');
    const body = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    const longer = `${h}.${b64({ ...body, exp: body.exp + 86400 })}.${s}~`;
    expect(await verifyPresentation(longer, jwks, at(IAT))).toMatchObject({ reason: 'BAD_SIGNATURE' });
  });

  it('fails a token signed by another key, or by a key of another organisation', async () => {
    const rogue = keyPair();
    const { token } = makeToken(rogue.privateKey, issuer.jwk.kid, { companyName: 'Acme' });
    expect(await verifyPresentation(token, jwks, at(IAT))).toMatchObject({ reason: 'BAD_SIGNATURE' });
    const genuine = makeToken(issuer.privateKey, issuer.jwk.kid, { companyName: 'Acme' }).token;
    expect(
      await verifyPresentation(genuine, { keys: [{ ...issuer.jwk, mspId: 'CityBMSP' }] }, at(IAT)),
    ).toMatchObject({
      reason: 'UNKNOWN_KEY',
    });
  });

  it('fails malformed text', async () => {
    for (const t of ['', 'abc', 'a.b.c', 'a.b.c~', `${'x'.repeat(9000)}~`]) {
      expect(await verifyPresentation(t, jwks, at(IAT))).toMatchObject({ valid: false, reason: 'MALFORMED' });
    }
  });

  it('verifies the worked example of docs/presentation.md', async () => {
    const jwk: PresentationJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'Jn_gUXjwT9rQ5pG6NVGSYVQ9_xH6Tno_CUfD3rmIYII',
      y: 'OmCl9UKy1loXzjj2RWGQ3JNEQOhzUzNMvuV6hh-3o9s',
      kid: '8Z-tERf_Jhntv0urOvYP5FOGMoJh9JwlYHzoasKLolU',
      mspId: 'CityAMSP',
    };
    const example =
      'eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK3NkLWp3dCIsImtpZCI6IjhaLXRFUmZfSmhudHYwdXJPdllQNUZPR01vSmg5SndsWUh6b2FzS0xvbFUifQ.eyJpc3MiOiJDaXR5QU1TUCIsImlhdCI6MTc5NjAwMDAwMCwiZXhwIjoxNzk2MDAwMzAwLCJsaWNlbmNlX2lkIjoiQS1CSVotMjAyNi0wMDAxIiwibGljZW5jZV90eXBlIjoiQS1CSVoiLCJzdGF0dXNfdXJsIjoiaHR0cHM6Ly9nYXRld2F5LmNpdHktYS5leGFtcGxlL2FwaS92MS9wdWJsaWMvcHJlc2VudGF0aW9ucy92ZXJpZnkiLCJfc2RfYWxnIjoic2hhLTI1NiIsIl9zZCI6WyJTdU1jMHpMYmZnWmdxX1ZYek1rdTk0QzZzTEk3OWNZcTQ4eTVrRFdrYmZjIl0sImNsYWltX2hhc2hlcyI6eyJjb21wYW55TmFtZSI6ImQ2NGUxMzRlZmViMmJiMzUxYTc4Nzc0ZWY1Y2ZhNjg0NGRiM2UwZDU5MDUwN2QzYzlhYzMzOGZlN2VkZWIzOWMifX0.PGzzslHp-6FEnjTwlY1NfptqZU4TIZyQwdEI36t40ASwezLGvdRp5ANiiNXFDXVrt93OfBqdywJTWu7LzGfHYw~WyI5Zjg2ZDA4MTg4NGM3ZDY1OWEyZmVhYTBjNTVhZDAxNSIsImNvbXBhbnlOYW1lIiwiQWNtZSBUcmFkaW5nIEx0ZCJd~';
    expect(await verifyPresentation(example, { keys: [jwk] }, at(1796000010))).toMatchObject({
      valid: true,
      licenceId: 'A-BIZ-2026-0001',
      claims: { companyName: 'Acme Trading Ltd' },
    });
    expect(await verifyPresentation(example, { keys: [jwk] }, at(1796000300))).toMatchObject({
      reason: 'PRESENTATION_EXPIRED',
    });
  });
});
