/**
 * Change-set records and their index copies: by space (+ status) for lists, page → change set
 * membership for the macro, and the "unindexed" marker that covers membership not yet written.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import type { ChangeSet } from '../../domain/model';
import { changeSetSchema, parseStored } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import { STORE_LIMITS, StoreError, WRITE_FRAMING, txPayloadBytes } from '../../ports/store';
import type { EngineContext } from '../context';
import { getParsed } from '../store-reads';
import { keys } from '../keys';
import { auditBytesBound, auditOpsFor, type AuditEntry } from '../../audit';

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
 * operations. So the change set commits together with an "unindexed" marker (and as many entries as
 * fit beside it), the other entries follow in chunks, and the marker's delete rides in the last
 * chunk: it is gone exactly when every entry is written. Readers treat marked change sets as
 * candidates too, so a crash in between never hides a membership. Entries are only ever added (a
 * removed page's entry is filtered out on read): concurrent updates can then never delete an entry
 * another update needs.
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
 * A put of a key that cannot exist yet (a new change set's: its keys name its id and creation time),
 * conditioned `absent`: a put without a condition costs Forge a read first (issue 23 item 2).
 */
export const asNew = (op: TxOp): TxOp => (op.op === 'put' ? { ...op, condition: { kind: 'absent' } } : op);

/** What a new change set's own transaction records of its membership (membershipOpsFor). */
export interface MembershipPlan {
  ops: TxOp[];
  /** the first `inlined` entries of membershipPuts are among `ops` */
  inlined: number;
  /** the marker is among `ops`: writeMembership must follow with the rest */
  follows: boolean;
}

/**
 * The ops that record a new change set's membership in its own transaction: the entries themselves
 * when they fit beside `ops` and `entries` audit records (no marker, no follow-up writes), else the
 * marker and as many entries as fit without raising the transaction's write units (issue 23).
 */
export function membershipOpsFor(cs: ChangeSet, ops: TxOp[], entries: AuditEntry[]): MembershipPlan {
  const puts = membershipPuts(cs).map(asNew);
  const auditOps = auditOpsFor(entries);
  if (ops.length + puts.length + auditOps <= STORE_LIMITS.maxTransactionOps) return { ops: puts, inlined: puts.length, follows: false };
  const marker = asNew(unindexedMarkerOp(cs));
  let bytes = txPayloadBytes([...ops, marker]) + auditBytesBound(entries);
  const budget = Math.ceil(bytes / STORE_LIMITS.writeUnitBytes) * STORE_LIMITS.writeUnitBytes;
  const room = Math.min(puts.length, STORE_LIMITS.maxTransactionOps - ops.length - 1 - auditOps);
  let inlined = 0;
  for (const put of puts.slice(0, room)) {
    // one more op in the JSON array: its own bytes and a comma, not the brackets or the transaction's framing
    const more = txPayloadBytes([put]) - WRITE_FRAMING.perTransaction - 1;
    if (bytes + more > budget) break;
    bytes += more;
    inlined += 1;
  }
  return { ops: [marker, ...puts.slice(0, inlined)], inlined, follows: true };
}

/** `ops` in as few transactions as the op limit allows, balanced so the last one never holds its final op alone. */
function chunksOf(ops: TxOp[]): TxOp[][] {
  const count = Math.ceil(ops.length / STORE_LIMITS.maxTransactionOps);
  const chunks: TxOp[][] = [];
  for (let i = 0, at = 0; i < count; i++) {
    const size = Math.floor(ops.length / count) + (i < ops.length % count ? 1 : 0);
    chunks.push(ops.slice(at, (at += size)));
  }
  return chunks;
}

/**
 * The entries after the first `written` (committed with the change set), chunk after chunk; the
 * last chunk also clears the marker, only if no later version of the change set re-marked it
 * (read first; its store version conditions the delete). `fresh`: the change set was just created
 * by this call, so its entries cannot exist yet and are put `absent` (no read first). A chunk whose
 * condition fails (a re-mark meanwhile, or an entry a concurrent update wrote first) is written
 * again without conditions, and the delete tried alone: no entry is ever lost.
 */
export async function writeMembership(ctx: EngineContext, cs: ChangeSet, options: { written?: number; fresh?: boolean } = {}): Promise<void> {
  try {
    const marker = await ctx.store.get(keys.changeSetUnindexed(cs.spaceId, cs.id));
    const clear: TxOp[] =
      marker && parseStored(unindexedMarkerSchema, marker.key, marker.value).version === cs.version ? [{ op: 'delete', key: marker.key, condition: { kind: 'version', version: marker.version } }] : [];
    const puts = membershipPuts(cs).slice(options.written ?? 0).map((op) => (options.fresh ? asNew(op) : op));
    for (const chunk of chunksOf([...puts, ...clear])) await writeChunk(ctx, chunk);
  } catch {
    ctx.log('change set membership left for the marker to cover', { changeSetId: cs.id });
  }
}

async function writeChunk(ctx: EngineContext, chunk: TxOp[]): Promise<void> {
  try {
    await ctx.store.transact(chunk);
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'CONDITION_FAILED')) throw error;
    const puts = chunk.flatMap((op) => (op.op === 'put' ? [{ op: 'put' as const, key: op.key, value: op.value }] : []));
    if (puts.length > 0) await ctx.store.transact(puts);
    const clear = chunk.filter((op) => op.op !== 'put');
    // the marker re-marked by a later version stays (that version writes the entries again and clears it)
    if (clear.length > 0) await ctx.store.transact(clear).catch((again: unknown) => {
      if (!(again instanceof StoreError && again.code === 'CONDITION_FAILED')) throw again;
    });
  }
}
