/** A space's routing rules (SPEC 2.2a): one stored item per space, re-validated on read. */
import { routingRulesSchema, type RoutingRule } from '../../domain/routing';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import { getParsed } from '../store-reads';
import { keys } from '../keys';

export interface StoredRules {
  rules: RoutingRule[];
  /** 0 when the space never saved rules (expectedVersion for the first save) */
  version: number;
  item?: StoredItem;
}

export async function readRules(ctx: EngineContext, spaceId: string): Promise<StoredRules> {
  const found = await getParsed(ctx.store, keys.routingRules(spaceId), routingRulesSchema);
  return found ? { rules: found.value.rules, version: found.item.version, item: found.item } : { rules: [], version: 0 };
}
