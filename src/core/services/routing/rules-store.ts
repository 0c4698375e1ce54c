/** A space's routing rules (SPEC 2.2a): one stored item per space, re-validated on read. */
import { routingRulesSchema, type RoutingRule } from '../../domain/routing';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import { parseStored } from '../../domain/schemas';
import { keys } from '../keys';

export interface StoredRules {
  rules: RoutingRule[];
  /** 0 when the space never saved rules (expectedVersion for the first save) */
  version: number;
  item?: StoredItem;
}

export async function readRules(ctx: EngineContext, spaceId: string): Promise<StoredRules> {
  return rulesOf(await ctx.store.get(keys.routingRules(spaceId)));
}

/** The rules of a space's item (`keys.routingRules`), read by the caller (e.g. in its own batched get). */
export function rulesOf(item: StoredItem | undefined): StoredRules {
  if (!item) return { rules: [], version: 0 };
  return { rules: parseStored(routingRulesSchema, item.key, item.value).rules, version: item.version, item };
}
