/**
 * Preflight (page and change set): eligibility per page, then APPROVER_CANNOT_VIEW warnings for the
 * eligible ones. Visibility is asked once per approver with a batched page read as that approver
 * (ConfluenceSite.pagesReadableBy), not once per page per approver; where the app cannot act as
 * an approver (platform profile), that approver's pages are asked one permission check each.
 */
import { checkEligibility } from '../domain/eligibility';
import type { EligibilityInput, EligibilityResult } from '../domain/eligibility';
import { SOD_VERSION_CAP } from '../domain/sod';
import { expandApprovers, groupsOfSteps } from '../domain/approvers';
import type { EligibilityIssue, PreflightResult, Workflow } from '../domain/model';
import type { EngineContext } from './context';
import type { PageContext } from './page-context';
import { expandGroups } from './page-context';
import { inputOf } from './submission';

/** Which of `pageIds` this approver can read: one batched read as them, else one check per page. */
async function readableBy(ctx: EngineContext, accountId: string, pageIds: string[]): Promise<Set<string>> {
  const batched = await ctx.confluence.pagesReadableBy(accountId, pageIds);
  if (batched) return batched;
  const results = await Promise.all(pageIds.map((pageId) => ctx.confluence.checkPagePermission(accountId, pageId, 'read')));
  return new Set(pageIds.filter((_, i) => results[i]));
}

/** APPROVER_CANNOT_VIEW warnings: every approver (groups expanded) who cannot read the page. */
export async function approverWarnings(
  ctx: EngineContext,
  items: { pageId: string; workflow: Workflow }[],
  groupMembers: Map<string, string[]>,
): Promise<Map<string, EligibilityIssue[]>> {
  await expandGroups(ctx, items.flatMap((i) => groupsOfSteps(i.workflow.steps)), groupMembers);
  const pagesOf = new Map<string, string[]>();
  for (const { pageId, workflow } of items) {
    for (const accountId of new Set(workflow.steps.flatMap((s) => expandApprovers(s, groupMembers)))) {
      pagesOf.set(accountId, [...(pagesOf.get(accountId) ?? []), pageId]);
    }
  }
  const readable = new Map(
    await Promise.all([...pagesOf].map(async ([accountId, pageIds]) => [accountId, await readableBy(ctx, accountId, pageIds)] as const)),
  );
  const out = new Map<string, EligibilityIssue[]>();
  // page order, then approver order as the workflow lists them (stable output)
  for (const { pageId, workflow } of items) {
    for (const accountId of new Set(workflow.steps.flatMap((s) => expandApprovers(s, groupMembers)))) {
      if (readable.get(accountId)?.has(pageId)) continue;
      out.set(pageId, [...(out.get(pageId) ?? []), { code: 'APPROVER_CANNOT_VIEW', reason: `Approver ${accountId} cannot view the page` }]);
    }
  }
  return out;
}

export function preflightOf(pageId: string, result: EligibilityResult, warnings?: EligibilityIssue[]): PreflightResult {
  if (result.ok) return { pageId, canSubmit: true, workflowId: result.workflow.id, routedBy: result.routedBy, ...(warnings?.length ? { warnings } : {}) };
  return { pageId, canSubmit: false, code: result.code, reason: result.reason, ...(result.workflowId ? { workflowId: result.workflowId } : {}), ...(result.details ? { details: result.details } : {}) };
}

/** Preflight of pages whose context is loaded: eligibility per page, then approver warnings for the eligible ones. */
export async function preflightPages(ctx: EngineContext, context: PageContext, pageIds: string[]): Promise<PreflightResult[]> {
  const outcomes = pageIds.map((pageId) => ({ pageId, result: checkEligibility(inputOf(context, pageId)) }));
  const okItems = outcomes.flatMap(({ pageId, result }) => (result.ok ? [{ pageId, workflow: result.workflow }] : []));
  const warnings = await approverWarnings(ctx, okItems, context.groupMembers);
  return outcomes.map(({ pageId, result }) => preflightOf(pageId, result, [...(warnings.get(pageId) ?? []), ...sodWarnings(inputOf(context, pageId))]));
}

/** SPEC 2.3a: a submission whose editors cannot be checked can be made, but nobody will be able to decide on it. */
function sodWarnings(input: EligibilityInput): EligibilityIssue[] {
  if (!input.sod || input.sod.verified) return [];
  return [{ code: 'SOD_UNVERIFIABLE', reason: `Separation of duties cannot check the editors of this page (more than ${SOD_VERSION_CAP} versions, or versions you cannot see); decisions on it would be refused` }];
}
