/**
 * Audited staleness transitions (SPEC 2.4a): `approval.stale` when an approved page becomes stale,
 * `approval.fresh_again` when it stops being stale (a restore, an edit back to the approved text).
 * A mark per approval remembers the last recorded state; the mark and the record are one
 * transaction, conditioned on the mark, so a retried job or a racing restore records each once.
 */
import { z } from 'zod';
import type { AuditEntry } from '../../audit';
import type { Caller } from '../../domain/caller';
import type { Staleness } from '../../domain/model';
import type { PageLatest } from '../../domain/page-state';
import { StoreError } from '../../ports/store';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { auditEntry, commitWithAudit } from '../commit';
import { keys } from '../keys';

/** Outlives any page's approval cycle for a year (the store maximum); an expired mark only means "fresh" again. */
const MARK_TTL_SECONDS = 365 * 24 * 3600;

const markSchema = z.object({ stale: z.boolean(), version: z.number().int().positive() });

export interface Transition {
  ops: TxOp[];
  entries: AuditEntry[];
  kind: 'stale' | 'fresh_again';
}

/**
 * The mark write and audit entry of a transition, or undefined when the recorded state already matches.
 * `currentVersion` undefined: the page could not be read (then the record names no version or delta).
 */
export async function transitionFor(ctx: EngineContext, actor: Caller, latest: PageLatest, currentVersion: number | undefined, staleness: Staleness, hash?: string): Promise<Transition | undefined> {
  if (latest.status !== 'approved') return undefined;
  const item = await ctx.store.get(keys.stalenessMark(latest.id));
  const mark = markSchema.safeParse(item?.value);
  const wasStale = mark.success ? mark.data.stale : false;
  if (wasStale === staleness.stale) return undefined;
  const ops: TxOp[] = [
    {
      op: 'put',
      key: keys.stalenessMark(latest.id),
      value: { stale: staleness.stale, version: currentVersion ?? latest.pageVersion + 1 },
      ttlSeconds: MARK_TTL_SECONDS,
      condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' },
    },
  ];
  const entry = auditEntry(actor, staleness.stale ? 'approval.stale' : 'approval.fresh_again', latest.spaceId, {
    pageId: latest.pageId,
    ...(currentVersion !== undefined ? { pageVersion: currentVersion } : {}),
    workflowId: latest.workflowId,
    approvalId: latest.id,
    ...(latest.changeSetId ? { changeSetId: latest.changeSetId } : {}),
    details: {
      approvedAtVersion: latest.pageVersion,
      reason: staleness.reason,
      ...(currentVersion !== undefined ? { versionDelta: staleness.versionDelta } : {}),
      ...(hash ? { contentHash: hash, hashAlg: 'v1' } : {}),
    },
  });
  return { ops, entries: [entry], kind: staleness.stale ? 'stale' : 'fresh_again' };
}

/** Commit a transition on its own; losing the race to another recorder of the same transition is fine. */
export async function recordTransition(ctx: EngineContext, actor: Caller, latest: PageLatest, currentVersion: number | undefined, staleness: Staleness, hash?: string): Promise<Transition['kind'] | undefined> {
  const transition = await transitionFor(ctx, actor, latest, currentVersion, staleness, hash);
  if (!transition) return undefined;
  try {
    await commitWithAudit(ctx, transition.ops, transition.entries);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'CONDITION_FAILED') return undefined;
    throw err;
  }
  return transition.kind;
}
