/**
 * The data catalogue: categories of data a holding department can provide.
 * Registered and changed only by officers of the holding department; readable
 * by every member.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  keyExists,
  readPage,
  txTimeIso,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { errors } from './errors';
import type { CategoryRecord, PageResult, PurposesResult } from './model';
import { inDept, protectOwned, requireOfficer } from './authz';
import {
  Limits,
  PURPOSES,
  SENSITIVITIES,
  type GetCategoryRequest,
  type ListCategoriesRequest,
  type ListPurposesRequest,
  type RegisterCategoryRequest,
  type UpdateCategoryRequest,
} from './schemas';
import { Obj, categoryKey, readIndexPage } from './keys';
import { loadCategory, recordsOf } from './queries';

/** Sorted copy of a field list (the stored order). */
export function sortedFields(fields: readonly string[]): string[] {
  return [...fields].sort();
}

/** True when every requested field is in the allowed list. */
export function coversFields(allowed: readonly string[], requested: readonly string[]): boolean {
  const set = new Set(allowed);
  return requested.every((f) => set.has(f));
}

/** Reads a category that is active, or refuses (404 CATEGORY_NOT_FOUND, 409 CATEGORY_WITHDRAWN). */
export async function loadActiveCategory(ctx: Context, code: string): Promise<CategoryRecord> {
  const category = await loadCategory(ctx, code);
  if (category.status !== 'active') {
    throw errors.categoryWithdrawn(`category ${code} has been withdrawn by its holder`);
  }
  return category;
}

/** Refuses (400 FIELD_NOT_IN_CATEGORY) a field the category does not list. */
export function requireFieldsInCategory(category: CategoryRecord, fields: readonly string[]): void {
  const unknown = fields.filter((f) => !category.fields.includes(f));
  if (unknown.length > 0) {
    throw errors.fieldNotInCategory(`category ${category.code} has no field ${unknown.join(', ')}`, {
      fields: unknown,
    });
  }
}

/** RegisterCategory: an officer registers a category held by their own department. */
export async function registerCategory(ctx: Context, req: RegisterCategoryRequest): Promise<CategoryRecord> {
  const caller = getCaller(ctx);
  const holder = requireOfficer(caller);
  const key = categoryKey(ctx, req.code);
  if (await keyExists(ctx, key)) throw errors.categoryExists(`category ${req.code} exists already`);
  const now = txTimeIso(ctx);
  const record: CategoryRecord = {
    code: req.code,
    description: req.description,
    fields: sortedFields(req.fields),
    sensitivity: req.sensitivity,
    serviceRef: req.serviceRef,
    holder,
    status: 'active',
    version: 1,
    registeredAt: now,
    registeredBy: caller.id,
    updatedAt: now,
  };
  await writeJson(ctx, key, record);
  await protectOwned(ctx, key, caller, holder.mspId);
  await writeIndex(ctx, Obj.CategoryByHolder, holder.mspId, holder.dept, req.code);
  emitEvent(ctx, 'CategoryRegistered', {
    code: record.code,
    holder,
    sensitivity: record.sensitivity,
    fields: record.fields,
  });
  return record;
}

/** UpdateCategory: the holding department changes a category; fields may only be added. */
export async function updateCategory(ctx: Context, req: UpdateCategoryRequest): Promise<CategoryRecord> {
  const caller = getCaller(ctx);
  requireOfficer(caller);
  const current = await loadCategory(ctx, req.code);
  if (!inDept(caller, current.holder)) {
    throw errors.notCategoryHolder(
      `only officers of ${current.holder.dept} of ${current.holder.mspId} may change category ${req.code}`,
    );
  }
  let fields = current.fields;
  if (req.fields !== undefined) {
    const removed = current.fields.filter((f) => !req.fields?.includes(f));
    if (removed.length > 0) {
      throw errors.fieldsCannotBeRemoved(
        `fields ${removed.join(', ')} cannot be removed: consents and legal bases may name them`,
      );
    }
    fields = sortedFields(req.fields);
  }
  const record: CategoryRecord = {
    ...current,
    description: req.description ?? current.description,
    fields,
    sensitivity: req.sensitivity ?? current.sensitivity,
    serviceRef: req.serviceRef ?? current.serviceRef,
    status: req.status ?? current.status,
    version: current.version + 1,
    updatedAt: txTimeIso(ctx),
  };
  await writeJson(ctx, categoryKey(ctx, req.code), record);
  emitEvent(ctx, 'CategoryUpdated', {
    code: record.code,
    holder: record.holder,
    version: record.version,
    status: record.status,
  });
  return record;
}

/** ListPurposes: the fixed purpose codes, sensitivity levels and limits. */
export function listPurposes(_req: ListPurposesRequest): PurposesResult {
  return { purposes: [...PURPOSES], sensitivities: [...SENSITIVITIES], limits: { ...Limits } };
}

/** GetCategory: any member reads a category. */
export async function getCategory(ctx: Context, req: GetCategoryRequest): Promise<CategoryRecord> {
  return loadCategory(ctx, req.code);
}

/** ListCategories: any member lists the catalogue, optionally one holder's part of it (by code). */
export async function listCategories(
  ctx: Context,
  req: ListCategoriesRequest,
): Promise<PageResult<CategoryRecord>> {
  if (req.holderMspId === undefined) {
    const page = await readPage<CategoryRecord>(ctx, Obj.Category, [], req.pageSize, req.bookmark);
    return { records: page.records.map((r) => r.value), bookmark: page.bookmark };
  }
  const attrs = req.holderDept === undefined ? [req.holderMspId] : [req.holderMspId, req.holderDept];
  const page = await readIndexPage(ctx, Obj.CategoryByHolder, attrs, req.pageSize, req.bookmark);
  return recordsOf(page, (code) => loadCategory(ctx, code));
}
