/**
 * Audit views over the access log, newest first, from per-citizen,
 * per-department and global indexes whose keys sort by newestFirst(time).
 */
import type { Context } from 'fabric-contract-api';
import { getCaller, requireRole } from '@govledger/chaincode-common';
import { loadAccess } from './access';
import type { AccessRecord, PageResult } from './model';
import { citizenToRead, deptToRead } from './parties';
import type { ListAllAccessesInput, ListCitizenAccessesInput, ListDepartmentAccessesInput } from './schemas';
import { Obj, lastAttribute, readIndexPage, type IndexPage } from './state';
import { Role } from './vocabulary';

async function entriesOf(ctx: Context, page: IndexPage): Promise<PageResult<AccessRecord>> {
  const records: AccessRecord[] = [];
  for (const attributes of page.keys) records.push(await loadAccess(ctx, lastAttribute(attributes)));
  return { records, bookmark: page.bookmark };
}

/** ListCitizenAccesses: every access to a citizen's data, granted and refused (own data; auditors any citizen). */
export async function listCitizenAccesses(
  ctx: Context,
  req: ListCitizenAccessesInput,
): Promise<PageResult<AccessRecord>> {
  const pid = citizenToRead(getCaller(ctx), req.citizenPid);
  return entriesOf(ctx, await readIndexPage(ctx, Obj.AccessByCitizen, [pid], req.pageSize, req.bookmark));
}

/** ListDepartmentAccesses: the accesses a department made (its own; auditors any department). */
export async function listDepartmentAccesses(
  ctx: Context,
  req: ListDepartmentAccessesInput,
): Promise<PageResult<AccessRecord>> {
  const dept = deptToRead(getCaller(ctx), req.mspId, req.dept);
  const attrs = [dept.mspId, dept.dept];
  return entriesOf(ctx, await readIndexPage(ctx, Obj.AccessByDept, attrs, req.pageSize, req.bookmark));
}

/** ListAllAccesses: every access, or only those flagged for audit (auditors only). */
export async function listAllAccesses(
  ctx: Context,
  req: ListAllAccessesInput,
): Promise<PageResult<AccessRecord>> {
  requireRole(getCaller(ctx), Role.Auditor);
  const index = req.flaggedOnly ? Obj.AccessFlagged : Obj.AccessAll;
  return entriesOf(ctx, await readIndexPage(ctx, index, [], req.pageSize, req.bookmark));
}
