/** `routing.rules.list`: a space's rules in priority order, with the version a save must name. */
import type { Caller } from '../../domain/caller';
import type { RoutingRule } from '../../domain/routing';
import type { EngineContext } from '../context';
import { requireViewableSpace, spaceAccessFor } from './access';
import { readRules } from './rules-store';

export interface RoutingRulesView {
  spaceId: string;
  rules: RoutingRule[];
  version: number;
}

export async function listRoutingRules(ctx: EngineContext, caller: Caller, spaceId: string): Promise<RoutingRulesView> {
  await requireViewableSpace(ctx, caller, spaceAccessFor(ctx, caller), spaceId, 'routing.rules.list');
  const { rules, version } = await readRules(ctx, spaceId);
  return { spaceId, rules: [...rules].sort((a, b) => a.priority - b.priority), version };
}
