/**
 * Preflight (page and change set): eligibility per page, then APPROVER_DEACTIVATED / APPROVER_REMOVED
 * (issue 19: the account can no longer approve, but the step can still complete without it) and
 * APPROVER_CANNOT_VIEW (APPROVERS_NOT_CHECKED for a group too big to ask each member) warnings for the eligible ones. Visibility is asked once per approver with a batched page read as that approver
 * (ConfluenceSite.pagesReadableBy), not once per page per approver; where the app cannot act as
 * an approver (platform profile), that approver's pages are asked one permission check each.
 */
import { checkEligibility } from '../domain/eligibility';
import type { EligibilityInput, EligibilityResult } from '../domain/eligibility';
import { SOD_VERSION_CAP } from '../domain/sod';
import { expandApprovers, groupsOfSteps } from '../domain/approvers';
import type { EligibilityIssue, PreflightResult, Workflow } from '../domain/model';
import type { EngineContext } from './context';
import { unavailableAmong, type UnavailableCause } from '../domain/approver-availability';
import type { PageContext } from './page-context';
import { LISTED_MEMBERS, type GroupListing } from './group-listing';
import { inputOf } from './submission';

/** Which of `pageIds` this approver can read: one batched read as them, else one check per page. */
async function readableBy(ctx: EngineContext, accountId: string, pageIds: string[]): Promise<Set<string>> {
  const batched = await ctx.confluence.pagesReadableBy(accountId, pageIds);
  if (batched) return batched;
  const results = await Promise.all(pageIds.map((pageId) => ctx.confluence.checkPagePermission(accountId, pageId, 'read')));
  return new Set(pageIds.filter((_, i) => results[i]));
}

/** The people whose view of the page is checked: named approvers and members of groups read to the end (a big group is one warning, below). */
const checkedApprovers = (workflow: Workflow, listing: GroupListing): string[] => {
  const members = new Map([...listing.members].filter(([g]) => !listing.isCut(g)));
  return [...new Set(workflow.steps.flatMap((s) => expandApprovers(s, members)))];
};

/**
 * APPROVER_CANNOT_VIEW warnings: every approver (groups read to the end expanded) who cannot read
 * the page; APPROVERS_NOT_CHECKED once per group with more members than one page lists (asking
 * each of 10,000 people is not a preflight's job; the stuck check reports it once it matters).
 */
export async function approverWarnings(
  ctx: EngineContext,
  items: { pageId: string; workflow: Workflow }[],
  listing: GroupListing,
  /** people already warned about (their account is gone): no second warning */
  unavailable: ReadonlyMap<string, UnavailableCause> = new Map(),
): Promise<Map<string, EligibilityIssue[]>> {
  const pagesOf = new Map<string, string[]>();
  for (const { pageId, workflow } of items) {
    for (const accountId of checkedApprovers(workflow, listing)) {
      if (unavailable.has(accountId)) continue;
      pagesOf.set(accountId, [...(pagesOf.get(accountId) ?? []), pageId]);
    }
  }
  const readable = new Map(
    await Promise.all([...pagesOf].map(async ([accountId, pageIds]) => [accountId, await readableBy(ctx, accountId, pageIds)] as const)),
  );
  const out = new Map<string, EligibilityIssue[]>();
  const add = (pageId: string, issue: EligibilityIssue) => out.set(pageId, [...(out.get(pageId) ?? []), issue]);
  // page order, then approver order as the workflow lists them (stable output)
  for (const { pageId, workflow } of items) {
    for (const accountId of checkedApprovers(workflow, listing)) {
      if (unavailable.has(accountId) || readable.get(accountId)?.has(pageId)) continue;
      add(pageId, { code: 'APPROVER_CANNOT_VIEW', reason: `Approver ${accountId} cannot view the page` });
    }
    for (const groupId of groupsOfSteps(workflow.steps).filter(listing.isCut)) {
      add(pageId, { code: 'APPROVERS_NOT_CHECKED', reason: `Group ${groupId} has more than ${LISTED_MEMBERS} members; whether each of them can view the page was not checked` });
    }
  }
  return out;
}

/** Issue 19: approvers of the workflow whose account can no longer approve (the step still completes without them, else NO_ELIGIBLE_APPROVER). */
function unavailableWarnings(workflow: Workflow, context: PageContext): EligibilityIssue[] {
  const people = [...new Set(workflow.steps.flatMap((s) => expandApprovers(s, context.groupMembers)))];
  return unavailableAmong(people, context.unavailable).map(({ accountId, cause }) =>
    cause === 'deactivated'
      ? { code: 'APPROVER_DEACTIVATED', reason: `Approver ${accountId} has a deactivated account and cannot approve` }
      : { code: 'APPROVER_REMOVED', reason: `Approver ${accountId} is no longer on the site and cannot approve` },
  );
}

export function preflightOf(pageId: string, result: EligibilityResult, warnings?: EligibilityIssue[]): PreflightResult {
  if (result.ok) return { pageId, canSubmit: true, workflowId: result.workflow.id, routedBy: result.routedBy, ...(warnings?.length ? { warnings } : {}) };
  return { pageId, canSubmit: false, code: result.code, reason: result.reason, ...(result.workflowId ? { workflowId: result.workflowId } : {}), ...(result.details ? { details: result.details } : {}) };
}

/** Preflight of pages whose context is loaded: eligibility per page, then approver warnings for the eligible ones. */
export async function preflightPages(ctx: EngineContext, context: PageContext, pageIds: string[]): Promise<PreflightResult[]> {
  const outcomes = pageIds.map((pageId) => ({ pageId, result: checkEligibility(inputOf(context, pageId)) }));
  const okItems = outcomes.flatMap(({ pageId, result }) => (result.ok ? [{ pageId, workflow: result.workflow }] : []));
  const warnings = await approverWarnings(ctx, okItems, context.listing, context.unavailable);
  return outcomes.map(({ pageId, result }) =>
    preflightOf(pageId, result, [...(result.ok ? unavailableWarnings(result.workflow, context) : []), ...(warnings.get(pageId) ?? []), ...sodWarnings(inputOf(context, pageId))]),
  );
}

/** SPEC 2.3a: a submission whose editors cannot be checked can be made, but nobody will be able to decide on it. */
function sodWarnings(input: EligibilityInput): EligibilityIssue[] {
  if (!input.sod || input.sod.verified) return [];
  return [{ code: 'SOD_UNVERIFIABLE', reason: `Separation of duties cannot check the editors of this page (more than ${SOD_VERSION_CAP} versions, or versions you cannot see); decisions on it would be refused` }];
}
