/** Resolvers of the space page's routing rules editor and its "explain this page" (SPEC 2.2a), and its Automation labels (SPEC 3a). */
import { z } from 'zod';
import { opaqueId } from '../../core/domain/fields';
import { labelOnStateSchema } from '../../core/domain/label-bridge';
import { MAX_RULES_PER_SPACE, routingRuleSchema } from '../../core/domain/routing';
import type { LabelBridgeView } from '../../core/services/automation/get-labels';
import type { RoutingExplanation } from '../../core/services/routing/explain';
import type { RoutingRulesView } from '../../core/services/routing/list';
import { pageIdOf, spaceIdOf } from './context';
import { defineResolver } from './define';
import { optionalPageId, optionalSpaceId } from './payload-fields';

export const routingResolvers = [
  defineResolver('routing.rules.list', { writes: false, input: z.strictObject(optionalSpaceId) }, async (input, { engine, caller, client }): Promise<RoutingRulesView> => engine.routing.list(caller, spaceIdOf(input, client))),
  defineResolver('routing.rules.save', {
    writes: true,
    input: z.strictObject({
      ...optionalSpaceId,
      // ids, workflows, pages and unique priorities are the engine's rules (services/routing/save.ts)
      rules: z.array(routingRuleSchema.extend({ id: opaqueId.optional() })).max(MAX_RULES_PER_SPACE),
      expectedVersion: z.number().int().min(0).optional(),
    }),
  }, async (input, { engine, caller, client }): Promise<RoutingRulesView> =>
    engine.routing.save(caller, spaceIdOf(input, client), input.rules, input.expectedVersion),
  ),
  // the Automation label bridge (SPEC 3a) sits beside the rules in the space page
  defineResolver('automation.labels.get', { writes: false, input: z.strictObject(optionalSpaceId) }, async (input, { engine, caller, client }): Promise<LabelBridgeView> => engine.automation.getLabels(caller, spaceIdOf(input, client))),
  // label names and their distinctness are the domain's rule (domain/label-bridge.ts)
  defineResolver('automation.labels.save', {
    writes: true,
    input: z.strictObject({
      ...optionalSpaceId,
      labelOnState: labelOnStateSchema,
      expectedVersion: z.number().int().min(0).optional(),
    }),
  }, async (input, { engine, caller, client }): Promise<LabelBridgeView> =>
    engine.automation.saveLabels(caller, spaceIdOf(input, client), input.labelOnState, input.expectedVersion),
  ),
  defineResolver('routing.explain', { writes: false, input: z.strictObject(optionalPageId) }, async (input, { engine, caller, client }): Promise<RoutingExplanation> => engine.routing.explain(caller, pageIdOf(input, client))),
];
