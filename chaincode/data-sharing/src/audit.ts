/**
 * Audit views over the access log, newest first, from per-citizen,
 * per-department and global indexes whose keys sort by newestFirst(time).
 */
import type { Context } from 'fabric-contract-api';
import { getCaller, requireRole } from '@govledger/chaincode-common';
import type { AccessRecord, PageResult } from './model';
import { citizenToRead, deptToRead } from './authz';
import type {
  ListAllAccessesRequest,
  ListCitizenAccessesRequest,
  ListDepartmentAccessesRequest,
} from './schemas';
import { Obj, readIndexPage, type IndexPage } from './keys';
import { Role } from './schemas';
import { loadAccess, recordsOf } from './queries';

function entriesOf(ctx: Context, page: IndexPage): Promise<PageResult<AccessRecord>> {
  return recordsOf(page, (id) => loadAccess(ctx, id));
}

/** ListCitizenAccesses: every access to a citizen's data, granted and refused (own data; auditors any citizen). */
export async function listCitizenAccesses(
  ctx: Context,
  req: ListCitizenAccessesRequest,
): Promise<PageResult<AccessRecord>> {
  const pid = citizenToRead(getCaller(ctx), req.citizenPid);
  return entriesOf(ctx, await readIndexPage(ctx, Obj.AccessByCitizen, [pid], req.pageSize, req.bookmark));
}

/** ListDepartmentAccesses: the accesses a department made (its own; auditors any department). */
export async function listDepartmentAccesses(
  ctx: Context,
  req: ListDepartmentAccessesRequest,
): Promise<PageResult<AccessRecord>> {
  const dept = deptToRead(getCaller(ctx), req.mspId, req.dept);
  const attrs = [dept.mspId, dept.dept];
  return entriesOf(ctx, await readIndexPage(ctx, Obj.AccessByDept, attrs, req.pageSize, req.bookmark));
}

/** ListAllAccesses: every access, or only those flagged for audit (auditors only). */
export async function listAllAccesses(
  ctx: Context,
  req: ListAllAccessesRequest,
): Promise<PageResult<AccessRecord>> {
  requireRole(getCaller(ctx), Role.Auditor);
  const index = req.flaggedOnly ? Obj.AccessFlagged : Obj.AccessAll;
  return entriesOf(ctx, await readIndexPage(ctx, index, [], req.pageSize, req.bookmark));
}
