/**
 * Mutual recognition: a jurisdiction's admin records that another
 * jurisdiction's licence type is equivalent to one of its own, and may withdraw
 * that. Verification then answers "recognised here as <local type>" for the
 * verifier's organisation.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  readJson,
  readPage,
  protectRecord,
  txTimeIso,
  writeJson,
  type Page,
} from '@govledger/chaincode-common';
import { requireAdmin, requireTypeOwner } from './authz';
import { errors } from './errors';
import { ELicenceEvent, type Licence, type Recognition, type RecognitionAnswer } from './model';
import type {
  ListRecognitionsRequest,
  RecordRecognitionRequest,
  WithdrawRecognitionRequest,
} from './schemas';
import { ObjectType, recognitionKey } from './keys';
import { loadType } from './queries';

/** Records that the caller's organisation recognises a foreign type as one of its own types (role admin). */
export async function recordRecognition(ctx: Context, req: RecordRecognitionRequest): Promise<Recognition> {
  const caller = getCaller(ctx);
  requireAdmin(caller);
  const local = await loadType(ctx, req.localTypeCode);
  requireTypeOwner(caller, local);
  const foreign = await loadType(ctx, req.foreignTypeCode);
  if (foreign.ownerMsp === caller.mspId) {
    throw errors.selfRecognition(
      `licence type ${foreign.code} is ${caller.mspId}'s own; only other jurisdictions' types can be recognised`,
    );
  }
  const key = recognitionKey(ctx, caller.mspId, foreign.code);
  const existing = await readJson<Recognition>(ctx, key);
  if (existing?.status === 'active') {
    throw errors.recognitionAlreadyExists(
      `${caller.mspId} already recognises ${foreign.code} as ${existing.localTypeCode}; withdraw it first`,
    );
  }
  const recognition: Recognition = {
    recognizerMsp: caller.mspId,
    foreignTypeCode: foreign.code,
    foreignOwnerMsp: foreign.ownerMsp,
    localTypeCode: local.code,
    status: 'active',
    recordedAt: txTimeIso(ctx),
    recordedBy: caller.id,
    withdrawnAt: null,
    withdrawnBy: null,
  };
  await writeJson(ctx, key, recognition);
  if (existing === undefined) await protectRecord(ctx, key, recognition.recognizerMsp);
  emitEvent(ctx, ELicenceEvent.RecognitionRecorded, {
    facts: [ELicenceEvent.RecognitionRecorded],
    recognizerMsp: recognition.recognizerMsp,
    foreignTypeCode: recognition.foreignTypeCode,
    foreignOwnerMsp: recognition.foreignOwnerMsp,
    localTypeCode: recognition.localTypeCode,
  });
  return recognition;
}

/** Withdraws the caller organisation's active recognition of a foreign type (role admin). */
export async function withdrawRecognition(
  ctx: Context,
  req: WithdrawRecognitionRequest,
): Promise<Recognition> {
  const caller = getCaller(ctx);
  requireAdmin(caller);
  const key = recognitionKey(ctx, caller.mspId, req.foreignTypeCode);
  const existing = await readJson<Recognition>(ctx, key);
  if (existing?.status !== 'active') {
    throw errors.recognitionNotFound(`${caller.mspId} has no active recognition of ${req.foreignTypeCode}`);
  }
  const withdrawn: Recognition = {
    ...existing,
    status: 'withdrawn',
    withdrawnAt: txTimeIso(ctx),
    withdrawnBy: caller.id,
  };
  await writeJson(ctx, key, withdrawn);
  emitEvent(ctx, ELicenceEvent.RecognitionWithdrawn, {
    facts: [ELicenceEvent.RecognitionWithdrawn],
    recognizerMsp: withdrawn.recognizerMsp,
    foreignTypeCode: withdrawn.foreignTypeCode,
    localTypeCode: withdrawn.localTypeCode,
  });
  return withdrawn;
}

/** Lists recognitions (active and withdrawn) of one recognising organisation or of all, paginated. */
export async function listRecognitions(
  ctx: Context,
  req: ListRecognitionsRequest,
): Promise<Page<Recognition>> {
  const attrs = req.recognizerMsp === undefined ? [] : [req.recognizerMsp];
  const page = await readPage<Recognition>(ctx, ObjectType.Recognition, attrs, req.pageSize, req.bookmark);
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark, fetched: page.fetched };
}

/** Answers whether `mspId` recognises the licence, and as which of its own types. */
export async function recognitionFor(
  ctx: Context,
  mspId: string,
  licence: Licence,
): Promise<RecognitionAnswer> {
  if (mspId === licence.issuerMsp) {
    return { org: mspId, recognised: true, basis: 'issuing-org', localTypeCode: licence.typeCode };
  }
  const rec = await readJson<Recognition>(ctx, recognitionKey(ctx, mspId, licence.typeCode));
  if (rec?.status === 'active') {
    return { org: mspId, recognised: true, basis: 'mutual-recognition', localTypeCode: rec.localTypeCode };
  }
  return { org: mspId, recognised: false, basis: 'none', localTypeCode: null };
}
