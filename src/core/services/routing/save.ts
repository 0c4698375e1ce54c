/**
 * `routing.rules.save` (SPEC 2.2a): replaces a space's rules as a whole, space admins only. Every
 * rule names a workflow of the space (enabled when the rule is), priorities are unique, and
 * `underPageId` is a page of the space; each refusal names its field and changes nothing. Audited
 * `routing.updated` in the same transaction; `expectedVersion` guards lost updates.
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { routingRulesSchema, type RoutingRule } from '../../domain/routing';
import type { EngineContext } from '../context';
import { auditEntry, commitWithAudit } from '../commit';
import { keys } from '../keys';
import { withRetry } from '../retry';
import { listSpaceWorkflows } from '../workflows/store';
import { requireSpaceAdmin } from '../workflows/guards';
import { requireViewableSpace, spaceAccessFor } from './access';
import type { RoutingRulesView } from './list';
import { readRules } from './rules-store';
import { defineOperation } from '../operation';

export type RuleInput = Omit<RoutingRule, 'id'> & { id?: string };

async function checkRules(ctx: EngineContext, spaceId: string, rules: RoutingRule[]): Promise<void> {
  const seen = new Map<number, number>();
  rules.forEach((r, i) => {
    const earlier = seen.get(r.priority);
    if (earlier !== undefined) throw new DomainError('INVALID_REQUEST', 'Two rules have the same priority; priorities must be unique.', [{ field: `rules.${i}.priority`, reason: `same as rules.${earlier}.priority` }]);
    seen.set(r.priority, i);
  });
  const workflows = new Map((await listSpaceWorkflows(ctx, spaceId)).map((w) => [w.id, w]));
  rules.forEach((r, i) => {
    const wf = workflows.get(r.workflowId);
    if (!wf) throw new DomainError('WORKFLOW_NOT_FOUND', 'A rule names a workflow that does not exist in this space.', [{ field: `rules.${i}.workflowId`, reason: 'no such workflow in this space' }]);
    if (r.enabled && !wf.enabled) throw new DomainError('WORKFLOW_DISABLED', 'An enabled rule names a disabled workflow.', [{ field: `rules.${i}.workflowId`, reason: 'the workflow is disabled' }]);
  });
  const underIds = [...new Set(rules.flatMap((r) => (r.match.underPageId ? [r.match.underPageId] : [])))];
  if (underIds.length === 0) return;
  const pages = await ctx.confluence.getPages(underIds);
  rules.forEach((r, i) => {
    const id = r.match.underPageId;
    if (id === undefined) return;
    const page = pages.get(id);
    if (!page) throw new DomainError('PAGE_NOT_FOUND', 'A rule names a page that does not exist or that you cannot view.', [{ field: `rules.${i}.match.underPageId`, reason: 'page not found' }]);
    if (page.spaceId !== spaceId) throw new DomainError('WRONG_SPACE', 'A rule names a page of another space.', [{ field: `rules.${i}.match.underPageId`, reason: 'not a page of this space' }]);
  });
}

export const saveRoutingRules = defineOperation({
  rights: 'A space admin (FORBIDDEN 403, audited); a space the caller cannot view answers SPACE_NOT_FOUND (404, audited).',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, input: RuleInput[], expectedVersion?: number): Promise<RoutingRulesView> {
    const access = spaceAccessFor(ctx, caller);
    await requireViewableSpace(ctx, caller, access, spaceId, 'routing.rules.save');
    await requireSpaceAdmin(ctx, caller, access, spaceId, 'routing.rules.save');
    const rules: RoutingRule[] = input.map((r) => ({ ...r, id: r.id ?? ctx.ids.next('rule') }));
    const ids = new Set<string>();
    rules.forEach((r, i) => {
      if (ids.has(r.id)) throw new DomainError('INVALID_REQUEST', 'Two rules have the same id.', [{ field: `rules.${i}.id`, reason: 'duplicate id' }]);
      ids.add(r.id);
    });
    const parsed = routingRulesSchema.parse({ spaceId, rules });
    await checkRules(ctx, spaceId, parsed.rules);
    return withRetry(ctx, async () => {
      const current = await readRules(ctx, spaceId);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new DomainError('VERSION_CONFLICT', 'The routing rules changed since you read them; reload and try again.');
      }
      const condition = current.item ? ({ kind: 'version', version: current.item.version } as const) : ({ kind: 'absent' } as const);
      await commitWithAudit(ctx, [{ op: 'put', key: keys.routingRules(spaceId), value: parsed, condition }], [
        auditEntry(caller, 'routing.updated', spaceId, { details: { ruleCount: parsed.rules.length, ruleIds: parsed.rules.map((r) => r.id).join(',') } }),
      ]);
      return { spaceId, rules: [...parsed.rules].sort((a, b) => a.priority - b.priority), version: current.version + 1 };
    });
  },
});
