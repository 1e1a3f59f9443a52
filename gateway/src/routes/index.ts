/**
 * The per-chaincode resource routes, gathered: one file per chaincode under
 * src/routes/, each a list of route declarations mirroring that chaincode's
 * wire contract (chaincode/<name>/README.md and src/schemas.ts).
 */
import path from 'node:path';
import type { Db } from '../writes/database';
import { BlindSignatureLog, ElectionKeys } from '../election-keys';
import type { SigningLog } from '../elections/token-issuance';
import { BallotBox, type BallotBoxSettings } from '../elections/ballot-box';
import type { AnyRoute } from '../http/route';
import type { TransactionService } from '../writes/transactions';
import { dataSharingRoutes } from './data-sharing';
import { eLicenceRoutes } from './e-licence';
import { eVotingRoutes } from './e-voting';
import { fundTracingRoutes } from './fund-tracing';
import { meRoutes } from './me';

/** What the per-chaincode routes need. */
export interface ChaincodeRouteDeps {
  transactions: TransactionService;
  /** Logical chaincode name -> deployed name. */
  chaincodes: Record<string, string>;
  /** The gateway database (blind-signature log). */
  db: Db;
  /** Folder of the election authorities' private keys (sealed with the wallet key). */
  electionKeysDir?: string;
  /** Key that seals the election keys (the wallet key). */
  walletKey?: Buffer;
  /** Size of generated election keys. */
  electionKeyBits?: number;
  /** The ballot-box identity secret ballots are cast under. */
  ballotBox?: { mspId: string; label: string };
  /** Batching of the anonymous ballot box. */
  ballotBoxSettings?: Partial<BallotBoxSettings>;
  /** The wallet identity (an election admin) each election authority organisation issues under, by MSP id. */
  electionAuthorities?: Record<string, string>;
  /** The blind-signature log (default: the `authority_signatures` table of `db`). */
  signingLog?: SigningLog;
}

/** Every per-chaincode route. */
export function chaincodeRoutes(deps: ChaincodeRouteDeps): AnyRoute[] {
  const keys = new ElectionKeys(
    deps.electionKeysDir ?? path.resolve('.gateway', 'election-keys'),
    deps.walletKey ?? Buffer.alloc(0),
    deps.electionKeyBits,
  );
  const ballotBox = deps.ballotBox ?? { mspId: 'CityAMSP', label: 'ballot-box-a' };
  const box = new BallotBox({
    transactions: deps.transactions,
    chaincode: deps.chaincodes['e-voting'] ?? 'e-voting',
    db: deps.db,
    caller: { subject: ballotBox.label, org: ballotBox.mspId, roles: ['ballot-box'] },
    settings: { minBatch: 10, closeLeadMs: 10_000, sweepMs: 1_000, ...deps.ballotBoxSettings },
  });
  box.start();
  return [
    ...meRoutes(deps),
    ...eLicenceRoutes(),
    ...dataSharingRoutes(),
    ...fundTracingRoutes(),
    ...eVotingRoutes({
      transactions: deps.transactions,
      chaincode: deps.chaincodes['e-voting'] ?? 'e-voting',
      keys,
      log: deps.signingLog ?? new BlindSignatureLog(deps.db),
      box,
      authorities: deps.electionAuthorities ?? {},
    }),
  ];
}
