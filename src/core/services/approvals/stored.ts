/**
 * Where an approval is stored (docs/decisions.md "Issue 23 item 4"): ONE record, its `af-approval`
 * entity item, which carries the index attributes and the approval itself (`rec`, without what the
 * item's key and attributes already hold: id, page, space and workflow). The page state
 * keeps a summary of the page's latest approval (domain/page-state.ts PageLatest, not a copy) and is
 * the lock of every approval write (entities take no version conditions). Approvals written before this live at `approval:<id>` beside an index item
 * without `rec` (legacy): they are read there and moved into their item on their next write.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { PageApproval } from '../../domain/model';
import { isFullApproval, type PageLatest } from '../../domain/page-state';
import { pageApprovalSchema, parseStored } from '../../domain/schemas';
import { APPROVAL_ENTITY } from '../../ports/entities';
import type { EntityItem, StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { approvalIndexValue, keys } from '../keys';
import { batchGetChunks, getManyByKey } from '../store-reads';

const entitySchema = z
  .object({ sk: z.string(), page: z.string(), space: z.string(), wf: z.string(), state: z.enum(['pending', 'done']), step: z.string().optional(), rec: z.record(z.string(), z.unknown()).optional() })
  .strict();

const corrupt = () => new DomainError('CORRUPT_RECORD', `A stored record failed validation (${APPROVAL_ENTITY}).`);

/** The approval an index item holds; undefined for a legacy item (its approval is at `approval:<id>`). */
export function approvalOfItem(item: EntityItem): PageApproval | undefined {
  const stored = parseStored(entitySchema, `${APPROVAL_ENTITY}:${item.key}`, item.value);
  const { rec } = stored;
  if (rec === undefined) return undefined;
  // issue 23 item 4: the record leaves out what the item's key and attributes hold; one written before repeats them, and they must agree
  const held = { id: item.key, pageId: stored.page, spaceId: stored.space, workflowId: stored.wf };
  if (Object.entries(held).some(([field, value]) => field in rec && rec[field] !== value)) throw corrupt();
  const approval = parseStored(pageApprovalSchema, `${APPROVAL_ENTITY}:${item.key}`, { ...rec, ...held });
  // attributes that disagree with the record would list it under the wrong state, time or step (`step` is absent before the back-fill)
  const expected = approvalIndexValue(approval);
  const stepDisagrees = stored.step !== undefined && stored.step !== expected.step;
  if (stepDisagrees || (['sk', 'state'] as const).some((a) => stored[a] !== expected[a])) throw corrupt();
  return approval;
}

/**
 * The one write of an approval: its item with the record (create-only when it is new). `legacy`:
 * the approval still had its `approval:<id>` copy, removed in the same transaction.
 */
export function approvalRecordOps(approval: PageApproval, options: { created?: boolean; legacy?: boolean } = {}): TxOp[] {
  // the item's key and attributes (approvalIndexValue) hold these
  const { id, pageId: _page, spaceId: _space, workflowId: _workflow, ...rec } = approval;
  const put: TxOp = { op: 'put', entity: APPROVAL_ENTITY, key: id, value: { ...approvalIndexValue(approval), rec }, ...(options.created ? { condition: { kind: 'absent' as const } } : {}) };
  return options.legacy ? [put, { op: 'delete', key: keys.approval(approval.id) }] : [put];
}

export interface StoredApproval {
  approval: PageApproval;
  /** still at `approval:<id>` (moved on its next write) */
  legacy: boolean;
}

/** The approvals of index items (a query's page): their records, legacy ones read by key in one batch. Order kept, missing ones left out. */
export async function approvalsOfItems(ctx: EngineContext, items: EntityItem[]): Promise<StoredApproval[]> {
  const own = items.map((item) => approvalOfItem(item));
  const legacyIds = items.filter((_, i) => own[i] === undefined).map((item) => item.key);
  const legacy = legacyIds.length > 0 ? await getManyByKey(ctx.store, legacyIds.map(keys.approval)) : new Map<string, StoredItem>();
  return items.flatMap((item, i): StoredApproval[] => {
    const approval = own[i];
    if (approval) return [{ approval, legacy: false }];
    const old = legacy.get(keys.approval(item.key));
    return old ? [{ approval: parseStored(pageApprovalSchema, old.key, old.value), legacy: true }] : [];
  });
}

/** Approvals by id (any order of `ids`; missing ones left out), keyed by id. */
export async function readApprovals(ctx: EngineContext, ids: string[]): Promise<Map<string, StoredApproval>> {
  const items = (await Promise.all(batchGetChunks(ids).map((chunk) => ctx.store.getEntities(APPROVAL_ENTITY, chunk)))).flat();
  return new Map((await approvalsOfItems(ctx, items)).map((s) => [s.approval.id, s]));
}

/**
 * The whole approvals behind page-state summaries (domain/page-state.ts), in one batched read; an
 * older page state's full copy needs none. Order kept; one purged meanwhile is left out.
 */
export async function wholeApprovals(ctx: EngineContext, latests: PageLatest[]): Promise<PageApproval[]> {
  const missing = latests.filter((l) => !isFullApproval(l)).map((l) => l.id);
  const read = missing.length > 0 ? await readApprovals(ctx, missing) : new Map<string, StoredApproval>();
  return latests.flatMap((l) => (isFullApproval(l) ? [l] : (read.get(l.id)?.approval ?? [])));
}
