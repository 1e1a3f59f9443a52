#!/usr/bin/env node
/**
 * Development command: mints HS256 bearer tokens for the demo users of
 * network/consortium.json, with the same secret, issuer and audience as the
 * gateway (JWT_HS256_SECRET, JWT_ISSUER, JWT_AUDIENCE).
 *
 *   mint-token issuer-a                 prints one token
 *   mint-token --all [--json]           every demo user (JSON: name -> {org, roles, dept, token})
 *   options: --ttl SECONDS (default 3600), --consortium FILE, --users-dir DIR (reads <dir>/<name>/pid)
 *
 * Every token carries `iat` and `exp` (the gateway refuses tokens without them); a `--ttl` longer
 * than the gateway's maximum token age (JWT_MAX_TOKEN_AGE_S, 12 h by default) is refused here,
 * since the gateway would refuse the token.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { signDevToken, type DevTokenClaims } from '../auth';
import { DEFAULT_MAX_TOKEN_AGE_SEC } from '../config';

const consortiumOrg = z.object({
  mspId: z.string(),
  users: z.array(z.object({ name: z.string(), attrs: z.record(z.string(), z.string()) })),
});

const consortiumSchema = z.object({
  peerOrgs: z.array(consortiumOrg),
  addOrg: consortiumOrg.optional(),
  /** Further organisations `network.sh addorg NAME` adds (e.g. City C). */
  addOrgs: z.array(consortiumOrg).default([]),
});

/** A demo user as the token needs it. */
export interface DemoUser {
  name: string;
  org: string;
  roles: string[];
  dept?: string;
}

/** Reads the demo users of a consortium file. */
export function demoUsers(consortiumFile: string): DemoUser[] {
  const c = consortiumSchema.parse(JSON.parse(fs.readFileSync(consortiumFile, 'utf8')));
  const orgs = [...c.peerOrgs, ...(c.addOrg ? [c.addOrg] : []), ...c.addOrgs];
  return orgs.flatMap((o) =>
    o.users.map((u) => {
      const user: DemoUser = {
        name: u.name,
        org: o.mspId,
        roles: (u.attrs['gov.role'] ?? '').split('+').filter(Boolean),
      };
      if (u.attrs['gov.dept']) user.dept = u.attrs['gov.dept'];
      return user;
    }),
  );
}

/** Mints a token for a demo user; the pid is read from `<usersDir>/<name>/pid` when present. */
export async function mintFor(
  user: DemoUser,
  env: Record<string, string | undefined>,
  ttlSec: number,
  usersDir?: string,
): Promise<string> {
  const secret = env.JWT_HS256_SECRET;
  if (!secret || secret.length < 32)
    throw new Error('JWT_HS256_SECRET must be set (at least 32 characters), as for the gateway');
  const maxAge = env.JWT_MAX_TOKEN_AGE_S ? Number(env.JWT_MAX_TOKEN_AGE_S) : DEFAULT_MAX_TOKEN_AGE_SEC;
  if (!Number.isInteger(ttlSec) || ttlSec < 1 || ttlSec > maxAge)
    throw new Error(
      `the token lifetime must be 1..${maxAge} s (JWT_MAX_TOKEN_AGE_S), the gateway refuses longer ones`,
    );
  const claims: DevTokenClaims = { sub: user.name, org: user.org, roles: user.roles };
  if (user.dept) claims.dept = user.dept;
  if (usersDir) {
    try {
      const pid = fs.readFileSync(path.join(usersDir, user.name, 'pid'), 'utf8').trim();
      if (pid) claims.pid = pid;
    } catch {
      // not a citizen or enterprise
    }
  }
  return signDevToken(new TextEncoder().encode(secret), claims, {
    issuer: env.JWT_ISSUER || 'govledger-dev',
    audience: env.JWT_AUDIENCE || 'govledger-gateway',
    ttlSec,
  });
}

async function main(argv: string[]): Promise<void> {
  let ttl = 3600;
  let all = false;
  let json = false;
  let consortium = path.resolve(__dirname, '..', '..', '..', 'network', 'consortium.json');
  let usersDir = process.env.WALLET_IMPORT_USERS_DIR;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') all = true;
    else if (a === '--json') json = true;
    else if (a === '--ttl') ttl = Number(argv[++i]);
    else if (a === '--consortium') consortium = argv[++i];
    else if (a === '--users-dir') usersDir = argv[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else names.push(a);
  }
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error('--ttl needs a whole number of seconds');
  const users = demoUsers(consortium);
  const chosen = all
    ? users
    : names.map((n) => users.find((u) => u.name === n) ?? fail(`unknown demo user ${n}`));
  if (chosen.length === 0) throw new Error('name a demo user, or --all');
  if (chosen.length === 1 && !json) {
    process.stdout.write(`${await mintFor(chosen[0], process.env, ttl, usersDir)}\n`);
    return;
  }
  const out: Record<string, DemoUser & { token: string }> = {};
  for (const u of chosen) out[u.name] = { ...u, token: await mintFor(u, process.env, ttl, usersDir) };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

function fail(message: string): never {
  throw new Error(message);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`mint-token: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
