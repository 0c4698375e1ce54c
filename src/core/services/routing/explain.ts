/**
 * `routing.explain {pageId}` (SPEC 2.2a): each rule's verdict for the page as the caller reads it,
 * the rule that decides, and routing drift: a page a rule bound (`rule:<id>` assignment) that the
 * rule no longer matches (label removed, page moved, rule changed). A bound page is never
 * downgraded; drift is shown so a space admin can re-route it.
 */
import type { Caller } from '../../domain/caller';
import { hasDrift, ruleMatches, rulesInOrder, type RoutingFacts, type RoutingRule } from '../../domain/routing';
import { assignmentSchema, parseStored } from '../../domain/schemas';
import type { EngineContext } from '../context';
import { keys } from '../keys';
import { PageCache } from '../page-cache';
import { listSpaceWorkflows } from '../workflows/store';
import { readRules } from './rules-store';
import { defineOperation } from '../operation';

export type RuleVerdict = 'match' | 'no_match' | 'rule_disabled' | 'workflow_disabled' | 'unknown';

export interface RoutingExplanation {
  pageId: string;
  spaceId: string;
  /** false: labels or ancestors could not all be read as the caller (verdicts are `unknown`) */
  complete: boolean;
  labels: string[];
  assignment?: { workflowId: string; source?: string };
  /** the rule that decides for a page without an assignment (first match by priority) */
  matchedRuleId?: string;
  rules: { ruleId: string; priority: number; workflowId: string; verdict: RuleVerdict }[];
  /** the page is bound by a rule that would no longer route it */
  drift: boolean;
}

function verdictOf(rule: RoutingRule, enabledWorkflows: Set<string>, facts: RoutingFacts | undefined): RuleVerdict {
  if (!rule.enabled) return 'rule_disabled';
  if (!enabledWorkflows.has(rule.workflowId)) return 'workflow_disabled';
  if (!facts) return 'unknown';
  return ruleMatches(rule, facts) ? 'match' : 'no_match';
}

export const explainRouting = defineOperation({
  rights: 'Viewers of the page; a page the caller cannot view answers PAGE_NOT_FOUND (404), like a missing one.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<RoutingExplanation> {
    const page = await new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'routing.explain');
    const [{ rules }, workflows, assignItem, facts] = await Promise.all([
      readRules(ctx, page.spaceId),
      listSpaceWorkflows(ctx, page.spaceId),
      ctx.store.get(keys.assignment(pageId)),
      ctx.confluence.routingFacts(pageId),
    ]);
    const enabled = new Set(workflows.filter((w) => w.enabled).map((w) => w.id));
    const ordered = [...rules].sort((a, b) => a.priority - b.priority);
    const verdicts = ordered.map((r) => ({ ruleId: r.id, priority: r.priority, workflowId: r.workflowId, verdict: verdictOf(r, enabled, facts) }));
    const matched = rulesInOrder(rules).find((r) => verdictOf(r, enabled, facts) === 'match');
    const assignment = assignItem ? parseStored(assignmentSchema, assignItem.key, assignItem.value) : undefined;
    const drift = hasDrift(assignment, rules, facts);
    return {
      pageId,
      spaceId: page.spaceId,
      complete: facts !== undefined,
      labels: facts ? [...facts.labels].sort() : [],
      ...(assignment ? { assignment: { workflowId: assignment.workflowId, ...(assignment.source ? { source: assignment.source } : {}) } } : {}),
      ...(matched ? { matchedRuleId: matched.id } : {}),
      rules: verdicts,
      drift,
    };
  },
});
