/**
 * Change-set records and their index copies: by space (+ status) for lists, page → change set
 * membership for the macro, and the "unindexed" marker that covers membership not yet written.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { ChangeSet } from '../../domain/model';
import { changeSetSchema, parseStored } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import { STORE_LIMITS } from '../../ports/store';
import type { EngineContext } from '../context';
import { getParsed } from '../store-reads';
import { keys } from '../keys';
import { auditOpsFor, type AuditEntry } from '../../audit';

export const changeSetNotFound = (): DomainError => new DomainError('CHANGE_SET_NOT_FOUND', 'Change set not found.');
export const changeSetArchived = (): DomainError => new DomainError('CHANGE_SET_ARCHIVED', 'The change set is archived and read-only.');

/** A change set with its stored item (whose version guards the next write). */
export interface LoadedChangeSet { item: StoredItem; cs: ChangeSet }

export async function loadChangeSet(ctx: EngineContext, changeSetId: string): Promise<LoadedChangeSet | undefined> {
  const found = await getParsed(ctx.store, keys.changeSet(changeSetId), changeSetSchema);
  return found && { item: found.item, cs: found.value };
}

/** Index copies of a change set; `previousStatus` decides which by-status copy to remove. */
export function indexOps(cs: ChangeSet, previousStatus?: 'open' | 'archived'): TxOp[] {
  const ops: TxOp[] = [
    { op: 'put', key: keys.changeSetBySpace(cs.spaceId, cs.status, cs.createdAt, cs.id), value: cs },
    { op: 'put', key: keys.changeSetBySpace(cs.spaceId, 'all', cs.createdAt, cs.id), value: cs },
  ];
  if (previousStatus && previousStatus !== cs.status) {
    ops.push({ op: 'delete', key: keys.changeSetBySpace(cs.spaceId, previousStatus, cs.createdAt, cs.id) });
  }
  return ops;
}

/**
 * Page → change set membership cannot join the change set's own transaction: 100 pages exceed 25
 * operations. So the change set commits together with an "unindexed" marker, the membership entries
 * follow in chunks, and the marker is cleared last. Readers treat marked change sets as candidates
 * too, so a crash in between never hides a membership. Entries are only ever added (a removed
 * page's entry is filtered out on read): concurrent updates can then never delete an entry another
 * update needs.
 */
export function unindexedMarkerOp(cs: ChangeSet): TxOp {
  return { op: 'put', key: keys.changeSetUnindexed(cs.spaceId, cs.id), value: { changeSetId: cs.id, version: cs.version } };
}

export const unindexedMarkerSchema = z.object({ changeSetId: z.string(), version: z.number().int() });
export const membershipSchema = z.object({ changeSetId: z.string() });

export function membershipPuts(cs: ChangeSet): TxOp[] {
  return cs.pageRefs.map(({ pageId }) => ({ op: 'put', key: keys.changeSetOfPage(pageId, cs.createdAt, cs.id), value: { changeSetId: cs.id } }));
}

/**
 * The ops that record a new change set's membership in its own transaction: the entries themselves
 * when they fit beside `ops` and `entries` audit records (no marker, no follow-up writes), else the
 * marker, and writeMembership must follow.
 */
export function membershipOpsFor(cs: ChangeSet, ops: TxOp[], entries: AuditEntry[]): { ops: TxOp[]; inline: boolean } {
  const puts = membershipPuts(cs);
  if (ops.length + puts.length + auditOpsFor(entries) <= STORE_LIMITS.maxTransactionOps) return { ops: puts, inline: true };
  return { ops: [unindexedMarkerOp(cs)], inline: false };
}

export async function writeMembership(ctx: EngineContext, cs: ChangeSet): Promise<void> {
  try {
    const puts = membershipPuts(cs);
    for (let i = 0; i < puts.length; i += STORE_LIMITS.maxTransactionOps) await ctx.store.transact(puts.slice(i, i + STORE_LIMITS.maxTransactionOps));
    // Clear the marker only if no later version of the change set re-marked it meanwhile.
    const marker = await ctx.store.get(keys.changeSetUnindexed(cs.spaceId, cs.id));
    if (marker && parseStored(unindexedMarkerSchema, marker.key, marker.value).version === cs.version) {
      await ctx.store.transact([{ op: 'delete', key: marker.key, condition: { kind: 'version', version: marker.version } }]);
    }
  } catch {
    ctx.log('change set membership left for the marker to cover', { changeSetId: cs.id });
  }
}
