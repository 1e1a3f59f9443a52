import { eVoting } from '../src';

const election = {
  electionId: 'E-1',
  title: 'Park',
  ballot: { kind: 'yesNoAbstain' },
  opensAt: '2030-03-01T09:00:00Z',
  closesAt: '2030-03-01T17:00:00Z',
  eligibility: { kind: 'roll' },
  quorum: { kind: 'none' },
  passThresholdPerMille: 500,
  mode: { kind: 'open', secondBallot: 'refuse' },
};

describe('the e-voting token protocol', () => {
  it('builds the token message from the domain tag, the election and the nonce', () => {
    const nonce = 'ab'.repeat(32);
    expect(eVoting.TOKEN_DOMAIN).toBe('GOVLEDGER-EVOTE-1');
    expect(eVoting.tokenMessage('E-1', nonce)).toBe(`GOVLEDGER-EVOTE-1|E-1|${nonce}`);
    expect(eVoting.TokenNonce.test(nonce)).toBe(true);
    expect(eVoting.TokenNonce.test('AB'.repeat(32))).toBe(false);
  });

  it('prefixes 32 random bytes for the Randomized variants only', () => {
    expect(eVoting.BlindRsaVariants.map(eVoting.preparePrefixLength)).toEqual([32, 0, 32, 0]);
  });
});

describe('the e-voting request schemas', () => {
  it('accept a valid election and apply the rule defaults', () => {
    const rule = eVoting.CreateElectionRequest.parse({
      ...election,
      eligibility: { kind: 'rule', mspIds: ['CityAMSP'] },
    });
    expect(rule.eligibility).toEqual({
      kind: 'rule',
      mspIds: ['CityAMSP'],
      roles: ['citizen'],
      attributes: {},
    });
  });

  it('check the cross-field rules of an election', () => {
    const r = eVoting.CreateElectionRequest.safeParse({
      ...election,
      closesAt: '2030-03-01T08:00:00Z',
      eligibility: { kind: 'rule', mspIds: ['CityAMSP'] },
      quorum: { kind: 'perMilleOfRoll', perMille: 10 },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['closesAt', 'quorum.kind']);
  });

  it('refuse duplicate voters in a roll batch and unknown fields', () => {
    const voter = { mspId: 'CityAMSP', pid: 'a'.repeat(64) };
    const batch = (voters: unknown[]) =>
      eVoting.RegisterVotersRequest.safeParse({ electionId: 'E-1', batchId: 'B', voters });
    expect(batch([voter, voter]).error?.issues[0]).toMatchObject({
      path: ['voters'],
      message: 'voters must be unique within a batch',
    });
    expect(batch([voter, { ...voter, mspId: 'CityBMSP' }]).success).toBe(true);
    expect(eVoting.ElectionRef.safeParse({ electionId: 'E-1', x: 1 }).success).toBe(false);
  });

  it('bound token and signature to the limits', () => {
    const ballot = {
      choices: ['yes'],
      token: 'A'.repeat(683),
      signatures: [{ mspId: 'CityAMSP', signature: 'A'.repeat(683) }],
    };
    const ok = { electionId: 'E-1', ballots: [ballot] };
    expect(eVoting.CastSecretBallotsRequest.safeParse(ok).success).toBe(true);
    const long = { ...ok, ballots: [{ ...ballot, token: 'A'.repeat(684) }] };
    expect(eVoting.CastSecretBallotsRequest.safeParse(long).success).toBe(false);
    const tooMany = { ...ok, ballots: Array.from({ length: eVoting.Limits.maxCastBatch + 1 }, () => ballot) };
    expect(eVoting.CastSecretBallotsRequest.safeParse(tooMany).success).toBe(false);
  });

  it('refuse a signature twice from one authority, and one blinded message twice for one authority', () => {
    const sig = { mspId: 'CityAMSP', signature: 'A'.repeat(342) };
    const ballot = { choices: ['yes'], token: 'A'.repeat(100), signatures: [sig, sig] };
    expect(eVoting.CastSecretBallotsRequest.safeParse({ electionId: 'E-1', ballots: [ballot] }).success).toBe(
      false,
    );
    const b = { mspId: 'CityAMSP', blindedHash: 'a'.repeat(64) };
    expect(eVoting.RequestTokenRequest.safeParse({ electionId: 'E-1', blinded: [b, b] }).success).toBe(false);
    expect(eVoting.RequestTokenRequest.safeParse({ electionId: 'E-1', blinded: [b] }).success).toBe(true);
  });

  it('take a secret mode of k of n distinct authorities, k <= n', () => {
    const secret = (authorities: string[], threshold: number) =>
      eVoting.CreateElectionRequest.safeParse({
        ...election,
        mode: { kind: 'secret', authorities: authorities.map((mspId) => ({ mspId })), threshold },
      });
    const ok = secret(['CityAMSP', 'CityBMSP'], 2);
    expect(ok.success).toBe(true);
    expect(ok.data?.mode).toMatchObject({ variant: eVoting.DefaultBlindRsaVariant });
    expect(secret(['CityAMSP', 'CityBMSP'], 3).success).toBe(false);
    expect(secret(['CityAMSP', 'CityAMSP'], 2).success).toBe(false);
    expect(secret(['CityAMSP'], 0).success).toBe(false);
  });
});

describe('the e-voting subjects', () => {
  it('are (home MSP, pid) pairs: a bare pid or a missing MSP is refused', () => {
    const pid = 'a'.repeat(64);
    expect(eVoting.Subject.safeParse({ mspId: 'CityAMSP', pid }).success).toBe(true);
    expect(eVoting.Subject.safeParse(pid).success).toBe(false);
    expect(eVoting.Subject.safeParse({ pid }).success).toBe(false);
    expect(eVoting.VoterStatusRequest.safeParse({ electionId: 'E-1', pid }).success).toBe(false);
  });
});

describe('the e-voting error codes', () => {
  it('give every code a status', () => {
    for (const code of Object.values(eVoting.ErrorCode)) expect(eVoting.ErrorStatusOf[code]).toBeDefined();
  });
});

describe('the e-voting transaction catalogue', () => {
  it('marks the reads as evaluate and the writes as submit', () => {
    const kinds = Object.entries(eVoting.transactions).map(([name, t]) => `${name}:${t.kind}`);
    expect(kinds.filter((k) => k.endsWith(':submit')).sort()).toEqual([
      'CastBallot:submit',
      'CastSecretBallots:submit',
      'CreateElection:submit',
      'IssueToken:submit',
      'RegisterAuthorityKey:submit',
      'RegisterVoters:submit',
      'RequestToken:submit',
      'TallyElection:submit',
    ]);
  });
});
