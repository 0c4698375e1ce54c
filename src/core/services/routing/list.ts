/** `routing.rules.list`: a space's rules in priority order, with the version a save must name. */
import type { Caller } from '../../domain/caller';
import type { RoutingRule } from '../../domain/routing';
import type { EngineContext } from '../context';
import { requireViewableSpace, spaceAccessFor } from './access';
import { readRules } from './rules-store';
import { defineOperation } from '../operation';

export interface RoutingRulesView {
  spaceId: string;
  rules: RoutingRule[];
  version: number;
}

export const listRoutingRules = defineOperation({
  rights: 'Viewers of the space; a space the caller cannot view answers SPACE_NOT_FOUND (404, audited).',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string): Promise<RoutingRulesView> {
    await requireViewableSpace(ctx, caller, spaceAccessFor(ctx, caller), spaceId, 'routing.rules.list');
    const { rules, version } = await readRules(ctx, spaceId);
    return { spaceId, rules: [...rules].sort((a, b) => a.priority - b.priority), version };
  },
});
