/**
 * The usage trace of data sharing (issue 18 part 4): a department's ticket check (CheckTicket)
 * and fact check (CheckFact) are the read-only VerifyTicket and VerifyFact plus a trace entry the
 * citizen lists (ListDataChecks): who (organisation, department, first role; never a name or
 * certificate id), what (ticket, attestation), when (transaction time), why (purpose), outcome.
 * A fact check carries the checker's salted hash of the claimed value, never the value.
 *
 * Keys: `dataCheck` (citizen mspId, citizen pid, time oldest first, txId): one new key per
 * transaction, protected for the checker's organisation (owner AND one other).
 */
import type { Context } from 'fabric-contract-api';
import {
  compositeKey,
  emitEvent,
  getCaller,
  oldestFirst,
  protectRecord,
  readJson,
  readPage,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
  type Page,
  type Subject,
} from '@govledger/chaincode-common';
import { verifyTicket } from './access';
import { factCheckResult } from './attestation';
import { requireCitizen } from './authz';
import { errors } from './errors';
import { accessKey } from './keys';
import type { AccessRecord, VerifyFactResult, VerifyTicketResult } from './model';
import type { CheckFactRequest, CheckTicketRequest, DataCheck, ListDataChecksRequest } from './schemas';

/** Object type of a trace entry. */
export const DATA_CHECK = 'dataCheck';

async function record(
  ctx: Context,
  caller: Caller,
  citizen: Subject,
  fields: Pick<DataCheck, 'kind' | 'ticketId' | 'attestationId' | 'purpose' | 'valid' | 'outcome'>,
): Promise<DataCheck> {
  const usage: DataCheck = {
    usageId: ctx.stub.getTxID(),
    ...fields,
    citizen: { mspId: citizen.mspId, pid: citizen.pid },
    verifier: { mspId: caller.mspId, dept: caller.dept ?? null, role: caller.roles[0] ?? null },
    checkedAt: txTimeIso(ctx),
  };
  const key = compositeKey(
    ctx,
    DATA_CHECK,
    citizen.mspId,
    citizen.pid,
    oldestFirst(txTimeMs(ctx)),
    usage.usageId,
  );
  await writeJson(ctx, key, usage);
  await protectRecord(ctx, key, caller.mspId);
  emitEvent(ctx, 'DataChecked', {
    kind: usage.kind,
    ticketId: usage.ticketId,
    attestationId: usage.attestationId,
    citizen: usage.citizen,
    verifier: { mspId: usage.verifier.mspId, dept: usage.verifier.dept },
    valid: usage.valid,
  });
  return usage;
}

/**
 * CheckTicket: VerifyTicket (the holder or grantee department of the ticket, or an auditor in
 * scope; else 403 NOT_TICKET_PARTY) and a trace entry; an unknown ticket is 404 TICKET_NOT_FOUND
 * (there is no citizen to trace it for).
 */
export async function checkTicket(
  ctx: Context,
  req: CheckTicketRequest,
): Promise<{ verification: VerifyTicketResult; usage: DataCheck }> {
  const entry = await readJson<AccessRecord>(ctx, accessKey(ctx, req.ticketId));
  if (entry === undefined || entry.ticket === null) {
    throw errors.ticketNotFound(`ticket ${req.ticketId} does not exist`);
  }
  const { purpose, ...verify } = req;
  const verification = await verifyTicket(ctx, verify);
  const usage = await record(ctx, getCaller(ctx), entry.ticket.citizen, {
    kind: 'ticket',
    ticketId: req.ticketId,
    attestationId: null,
    purpose,
    valid: verification.valid,
    outcome: verification.status,
  });
  return { verification, usage };
}

/** CheckFact: VerifyFact with the checker's salted hash (same refusals) and a trace entry. */
export async function checkFact(
  ctx: Context,
  req: CheckFactRequest,
): Promise<{ verification: VerifyFactResult; usage: DataCheck }> {
  const verification = await factCheckResult(ctx, req.ticketId, req.attestationId, req.claimedHash);
  const usage = await record(ctx, getCaller(ctx), verification.citizen, {
    kind: 'fact',
    ticketId: req.ticketId,
    attestationId: req.attestationId,
    purpose: req.purpose,
    valid: verification.match,
    outcome: verification.match ? 'match' : 'mismatch',
  });
  return { verification, usage };
}

/** ListDataChecks: the calling citizen's own trace (role `citizen` with a `gov.pid`, else 403), oldest first. */
export async function listDataChecks(ctx: Context, req: ListDataChecksRequest): Promise<Page<DataCheck>> {
  const me = requireCitizen(getCaller(ctx));
  const page = await readPage<DataCheck>(ctx, DATA_CHECK, [me.mspId, me.pid], req.pageSize, req.bookmark);
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark, fetched: page.fetched };
}
