/** A space's Automation label bridge setting (SPEC 3a): one stored item per space, re-validated on read. */
import { bridgeIsOn, labelBridgeSchema, type LabelOnState } from '../../domain/label-bridge';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import { getParsed } from '../store-reads';
import { keys } from '../keys';

export interface StoredLabelBridge {
  labelOnState: LabelOnState;
  /** 0 when the space never saved the setting (expectedVersion for the first save) */
  version: number;
  item?: StoredItem;
}

export async function readLabelBridge(ctx: EngineContext, spaceId: string): Promise<StoredLabelBridge> {
  const found = await getParsed(ctx.store, keys.labelBridge(spaceId), labelBridgeSchema);
  return found ? { labelOnState: found.value.labelOnState, version: found.item.version, item: found.item } : { labelOnState: {}, version: 0 };
}

/**
 * Whether a space's bridge is on, read once per engine context (one invocation): a 100-page change-set
 * submit commits ~26 batches, and each asks. A save in the same invocation forgets the answer.
 */
const bridgeOnByContext = new WeakMap<EngineContext, Map<string, Promise<boolean>>>();

export function bridgeOnOnce(ctx: EngineContext, spaceId: string): Promise<boolean> {
  const known = bridgeOnByContext.get(ctx) ?? new Map<string, Promise<boolean>>();
  bridgeOnByContext.set(ctx, known);
  let answer = known.get(spaceId);
  if (!answer) {
    answer = readLabelBridge(ctx, spaceId).then((s) => bridgeIsOn(s.labelOnState));
    // a failed read is not remembered: the next commit asks again
    answer.catch(() => known.delete(spaceId));
    known.set(spaceId, answer);
  }
  return answer;
}

/** Remembers a space's setting read by the caller's own batched get (page-context), so the commit asks no store. */
export function primeBridgeOn(ctx: EngineContext, spaceId: string, item: StoredItem | undefined): void {
  const parsed = item ? labelBridgeSchema.safeParse(item.value) : undefined;
  // an unreadable setting is not remembered: the commit's own read reports it as before
  if (parsed && !parsed.success) return;
  const known = bridgeOnByContext.get(ctx) ?? new Map<string, Promise<boolean>>();
  bridgeOnByContext.set(ctx, known);
  if (!known.has(spaceId)) known.set(spaceId, Promise.resolve(bridgeIsOn(parsed?.data.labelOnState ?? {})));
}

export function forgetBridgeOn(ctx: EngineContext, spaceId: string): void {
  bridgeOnByContext.get(ctx)?.delete(spaceId);
}
