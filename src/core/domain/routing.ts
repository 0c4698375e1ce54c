/**
 * Routing rules (SPEC 2.2a): a space's ordered rules that pick a workflow by label and page tree.
 * Pure: what a rule is, whether it matches a page's facts, and which rule decides. The facts are
 * read as the submitting user by the service layer; eligibility (eligibility.ts) applies the result.
 */
import { z } from 'zod';
import { confluenceId, labelName, opaqueId } from './fields';

export type { RoutedBy } from './model';

export const MAX_RULES_PER_SPACE = 50;
export const MAX_LABELS_PER_MATCH = 10;

const labelList = z.array(labelName).min(1).max(MAX_LABELS_PER_MATCH);

export const ruleMatchSchema = z
  .strictObject({ labelsAny: labelList.optional(), labelsAll: labelList.optional(), underPageId: confluenceId.optional() })
  .refine((m) => m.labelsAny !== undefined || m.labelsAll !== undefined || m.underPageId !== undefined, 'needs at least one of labelsAny, labelsAll, underPageId');

export const routingRuleSchema = z.strictObject({
  id: opaqueId,
  priority: z.number().int().min(1).max(1000),
  match: ruleMatchSchema,
  workflowId: opaqueId,
  enabled: z.boolean(),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

/** `routing:<spaceId>`: the space's rules, replaced as a whole. */
export const routingRulesSchema = z.strictObject({ spaceId: confluenceId, rules: z.array(routingRuleSchema).max(MAX_RULES_PER_SPACE) });
export type RoutingRules = z.infer<typeof routingRulesSchema>;

/** A page's labels and ancestors as the submitter reads them. */
export interface RoutingFacts {
  labels: ReadonlySet<string>;
  ancestorIds: ReadonlySet<string>;
}

export function ruleMatches(rule: RoutingRule, facts: RoutingFacts): boolean {
  const { labelsAny, labelsAll, underPageId } = rule.match;
  if (labelsAny && !labelsAny.some((l) => facts.labels.has(l))) return false;
  if (labelsAll && !labelsAll.every((l) => facts.labels.has(l))) return false;
  if (underPageId !== undefined && !facts.ancestorIds.has(underPageId)) return false;
  return true;
}

/** Enabled rules in the order they are tried: lowest priority number first (unique by construction). */
export function rulesInOrder(rules: readonly RoutingRule[]): RoutingRule[] {
  return rules.filter((r) => r.enabled).sort((a, b) => a.priority - b.priority);
}

/** The source an assignment made by a rule records. */
export function ruleSource(ruleId: string): string {
  return `rule:${ruleId}`;
}

/** The rule id of an assignment's source, if a rule made it. */
export function ruleOfSource(source: string | undefined): string | undefined {
  return source?.startsWith('rule:') ? source.slice('rule:'.length) : undefined;
}

/**
 * Routing drift: the page is bound by a rule (`rule:<id>` assignment) that would no longer route it
 * (rule gone, disabled, re-pointed, or no longer matching the page's facts). Unknown facts: no drift.
 */
export function hasDrift(assignment: { workflowId: string; source?: string } | undefined, rules: readonly RoutingRule[], facts: RoutingFacts | undefined): boolean {
  const boundBy = ruleOfSource(assignment?.source);
  if (boundBy === undefined || facts === undefined) return false;
  const rule = rules.find((r) => r.id === boundBy);
  return !rule || !rule.enabled || !ruleMatches(rule, facts) || rule.workflowId !== assignment?.workflowId;
}
