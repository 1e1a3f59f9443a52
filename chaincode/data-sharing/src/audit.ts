/**
 * Audit views over the access log, newest first, from per-citizen,
 * per-department and global indexes whose keys sort by newestFirst(time).
 */
import type { Context } from 'fabric-contract-api';
import { getCaller, requireRole } from '@govledger/chaincode-common';
import type { AccessRecord, PageResult } from './model';
import { accessParties } from './access';
import { auditorMayRead, citizenToRead, deptToRead } from './authz';
import type {
  ListAllAccessesRequest,
  ListCitizenAccessesRequest,
  ListDepartmentAccessesRequest,
} from './schemas';
import { Obj, citizenAttrs, readIndexPage, type IndexPage } from './keys';
import { Role } from './schemas';
import { loadAccess, recordsOf } from './queries';

function entriesOf(ctx: Context, page: IndexPage): Promise<PageResult<AccessRecord>> {
  return recordsOf(page, (id) => loadAccess(ctx, id));
}

/**
 * ListCitizenAccesses: every access to a citizen's data, granted and refused
 * (own data; auditors a citizen of their organisation, or any when designated to audit others).
 */
export async function listCitizenAccesses(
  ctx: Context,
  req: ListCitizenAccessesRequest,
): Promise<PageResult<AccessRecord>> {
  const attrs = citizenAttrs(citizenToRead(getCaller(ctx), req.citizen));
  return entriesOf(ctx, await readIndexPage(ctx, Obj.AccessByCitizen, attrs, req.pageSize, req.bookmark));
}

/** ListDepartmentAccesses: the accesses a department made (its own; auditors a department within their audit scope). */
export async function listDepartmentAccesses(
  ctx: Context,
  req: ListDepartmentAccessesRequest,
): Promise<PageResult<AccessRecord>> {
  const dept = deptToRead(getCaller(ctx), req.mspId, req.dept);
  const attrs = [dept.mspId, dept.dept];
  return entriesOf(ctx, await readIndexPage(ctx, Obj.AccessByDept, attrs, req.pageSize, req.bookmark));
}

/**
 * ListAllAccesses: every access, or only those flagged for audit (auditors
 * only). An auditor not designated to audit others sees only the entries their
 * own organisation is a party to (citizen's home, requester or holder): a page
 * then holds at most pageSize entries, and its bookmark continues the scan.
 */
export async function listAllAccesses(
  ctx: Context,
  req: ListAllAccessesRequest,
): Promise<PageResult<AccessRecord>> {
  const caller = getCaller(ctx);
  requireRole(caller, Role.Auditor);
  const index = req.flaggedOnly ? Obj.AccessFlagged : Obj.AccessAll;
  const page = await entriesOf(ctx, await readIndexPage(ctx, index, [], req.pageSize, req.bookmark));
  return {
    records: page.records.filter((e) => auditorMayRead(caller, accessParties(e))),
    bookmark: page.bookmark,
  };
}
