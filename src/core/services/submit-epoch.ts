/**
 * A space's submit epoch (issue 23 item 4): ONE item per space that every change a submission must
 * not miss moves on, so a submission transaction checks it once per space instead of two keys per
 * page. It moves on every admin change of an assignment (workflows/assign.ts, and the space page's clear in
 * lifecycle/manage-space.ts), on a workflow delete closing its guard shard (approvals/pending-count.ts) and on
 * the first step of every atomic change-set submit (changesets/atomic/submit.ts), which also records until when its
 * pins (`set-member` pointers) may still land: a submission that reads the epoch inside that window
 * checks each page's pointer as before (submission.ts), one read before it would fail on the epoch.
 */
import { z } from 'zod';
import { DomainError } from '../domain/errors';
import { parseStored } from '../domain/schemas';
import type { StoredItem, TxOp } from '../ports/store';
import type { EngineContext } from './context';
import { keys } from './keys';
import { getManyByKey } from './store-reads';

const epochSchema = z.object({ changedAt: z.number().int(), pinningUntil: z.number().int().optional() }).strict();

/** Clocks of two invocations may disagree; a pin window is honoured this much longer. */
const CLOCK_MARGIN_MS = 60_000;

const conditionOn = (item: StoredItem | undefined) => (item ? { kind: 'version' as const, version: item.version } : { kind: 'absent' as const });

/** The check a submission makes: the space's epoch is still the one its reads saw. */
export function epochCheck(spaceId: string, item: StoredItem | undefined): TxOp {
  return { op: 'check', key: keys.submitEpoch(spaceId), condition: conditionOn(item) };
}

/** The plans' epoch checks, one per space; pages read at different epochs keep the oldest (the commit then fails and re-reads them all). */
export function epochChecks(plans: { epoch: TxOp }[]): TxOp[] {
  const byKey = new Map<string, TxOp>();
  const age = (op: TxOp) => (op.condition?.kind === 'version' ? op.condition.version : 0);
  for (const { epoch } of plans) if (!byKey.has(epoch.key) || age(epoch) < age(byKey.get(epoch.key)!)) byKey.set(epoch.key, epoch);
  return [...byKey.values()];
}

/**
 * The epoch moved on (conditioned on `item` as read: two changes in a space conflict and retry);
 * `pinningUntil`: an atomic submit's deadline for its pins (the latest window is kept).
 */
export function epochBump(ctx: EngineContext, spaceId: string, item: StoredItem | undefined, pinningUntil?: number): TxOp {
  const until = Math.max(parseEpoch(item)?.pinningUntil ?? 0, pinningUntil ?? 0);
  return { op: 'put', key: keys.submitEpoch(spaceId), value: { changedAt: ctx.clock.now(), ...(until > 0 ? { pinningUntil: until } : {}) }, condition: conditionOn(item) };
}

/** Whether an atomic submit may still be pinning pages of the space: submissions then check each page's `set-member` pointer. */
export function pinsInFlight(item: StoredItem | undefined, now: number): boolean {
  const until = parseEpoch(item)?.pinningUntil;
  return until !== undefined && now < until + CLOCK_MARGIN_MS;
}

/** Times a read holding an epoch that moved a moment ago is repeated at most, waiting for two reads to agree. */
const EPOCH_REREADS = 3;

/**
 * A batched read of `storeKeys` (submit epochs among them) in which no item predates the epoch read
 * with it. The read is not one snapshot: over 25 keys it is several `batchGet`s side by side, and
 * Forge documents no isolation for one (docs/forge-platform.md U26). So an assignment change (or an
 * atomic submit, or a workflow delete) committing during the read could pair its new epoch with the
 * item it changed as it was before, and the commit's epoch check would pass on a stale plan. When an
 * epoch read moved within the clock margin, the keys are read again (a read that starts after the
 * first ended sees every change that epoch stands for) until two reads agree on every epoch; a change
 * after that fails the commit as usual. Epochs that keep moving answer CONCURRENT_MODIFICATION.
 */
export async function readHoldingEpochs(ctx: Pick<EngineContext, 'store' | 'clock'>, storeKeys: string[]): Promise<Map<string, StoredItem>> {
  const epochKeys = storeKeys.filter((k) => k.startsWith(keys.submitEpoch('')));
  const movedLately = (read: Map<string, StoredItem>) => epochKeys.some((k) => (parseEpoch(read.get(k))?.changedAt ?? -Infinity) >= ctx.clock.now() - CLOCK_MARGIN_MS);
  let read = await getManyByKey(ctx.store, storeKeys);
  if (!movedLately(read)) return read;
  for (let i = 0; i < EPOCH_REREADS; i++) {
    const again = await getManyByKey(ctx.store, storeKeys);
    const agree = epochKeys.every((k) => read.get(k)?.version === again.get(k)?.version);
    read = again;
    if (agree) return read;
  }
  throw new DomainError('CONCURRENT_MODIFICATION', 'The space\'s workflow assignments changed while this request read them; please retry.');
}

function parseEpoch(item: StoredItem | undefined) {
  return item ? parseStored(epochSchema, item.key, item.value) : undefined;
}
