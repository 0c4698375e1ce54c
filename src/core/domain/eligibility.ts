/**
 * Eligibility (SPEC 2.6): ONE pure function used by preflight and submit alike, so preflight
 * predicts submit exactly. All inputs are fetched beforehand in batches by the service layer.
 */
import type { PageInfo, Workflow } from './model';
import type { PageLatest } from './page-state';
import { unavailableAmong, type UnavailableApprover, type UnavailableCause } from './approver-availability';
import { membersOf, stepGroups, stepShortfalls } from './step-composition';
import type { SodEditors } from './sod';
import { excludesEditors } from './sod';
import { deriveReview } from './review';
import { ruleMatches, rulesInOrder, type RoutedBy, type RoutingFacts, type RoutingRule } from './routing';

function openForReview(latest: PageLatest, now: number | undefined): boolean {
  if (now === undefined) return false;
  const { reviewState } = deriveReview(latest, now);
  return reviewState === 'due' || reviewState === 'expired';
}

export const ELIGIBILITY_REASONS = {
  PAGE_NOT_FOUND: 'Page not found or not visible to you',
  WRONG_SPACE: "Page is not in the change set's space",
  PAGE_NOT_PUBLISHED: 'Drafts cannot be submitted',
  NO_EDIT_PERMISSION: 'You cannot edit this page',
  PENDING_APPROVAL: 'Page already has a pending approval',
  ALREADY_APPROVED: 'Page is approved at its current version; nothing to approve',
  NO_WORKFLOW: 'No workflow assigned to page',
  WORKFLOW_DISABLED: 'The assigned workflow is disabled and no other workflow applies',
  WORKFLOW_NOT_FOUND: "The chosen workflow does not exist in the page's space",
  WORKFLOW_NOT_ASSIGNED: 'Page is assigned to another workflow',
  NO_ELIGIBLE_APPROVER: 'A step has no approver other than the submitter and self-approval is off',
  ROUTING_INCOMPLETE: 'Routing could not be fully evaluated',
} as const;

export type EligibilityCode = keyof typeof ELIGIBILITY_REASONS;

export interface EligibilityInput {
  callerId: string;
  pageId: string;
  /** undefined: Confluence does not know the page (deleted) */
  page: PageInfo | undefined;
  canRead: boolean;
  canEdit: boolean;
  /** set when submitting through a change set */
  expectedSpaceId?: string;
  /** latest approval of the page (any status), as its page state keeps it */
  latest: PageLatest | undefined;
  /** workflow of the page's explicit assignment, if any */
  assigned: Workflow | undefined;
  /** all workflows of the page's space */
  spaceWorkflows: Workflow[];
  /** workflow the author chose at submit */
  chosenWorkflowId?: string;
  groupMembers: ReadonlyMap<string, string[]>;
  /** now, for the review state: an approved page that is due or expired for review may be resubmitted (SPEC 2.7) */
  now?: number;
  /** SPEC 2.3a: the page's editors, read for the resolved workflow when it excludes editors */
  sod?: SodEditors;
  /** issue 19: approvers whose account is deactivated or gone; they fill no slot */
  unavailable?: ReadonlyMap<string, UnavailableCause>;
  /** the space's routing rules and the page's facts as the submitter reads them (facts absent: they could not all be read) */
  routing?: PageRouting;
}

export interface PageRouting {
  rules: readonly RoutingRule[];
  facts?: RoutingFacts;
}

/** NO_ELIGIBLE_APPROVER: the group left short, whom the submitter rule or separation of duties excluded from it, and who can no longer approve. */
export interface IneligibleGroup {
  step: number;
  group: string;
  required: number;
  excluded: string[];
  unavailable?: UnavailableApprover[];
}

export type EligibilityResult =
  | { ok: true; workflow: Workflow; page: PageInfo; routedBy: RoutedBy }
  | { ok: false; code: EligibilityCode; reason: string; workflowId?: string; details?: IneligibleGroup[] };

function fail(code: EligibilityCode, workflowId?: string, details?: IneligibleGroup[]): EligibilityResult {
  return { ok: false, code, reason: ELIGIBILITY_REASONS[code], ...(workflowId ? { workflowId } : {}), ...(details ? { details } : {}) };
}

/** SPEC 2.1a/2.3a: every group of every step fillable by people other than the submitter (unless self-approval is on) and those SoD excludes. */
function ineligibleGroups(wf: Workflow, input: EligibilityInput): IneligibleGroup[] {
  const excluded = new Set(excludesEditors(wf.sod) && input.sod?.workflowId === wf.id ? input.sod.editors : []);
  const unavailable = input.unavailable ?? new Map<string, UnavailableCause>();
  // the submitter rule excludes like separation of duties, and both are named (SPEC 2.3a "names … excluded people")
  const isExcluded = (p: string) => (!wf.allowSelfApproval && p === input.callerId) || excluded.has(p);
  const people = { groupMembers: input.groupMembers, isEligible: (p: string) => !isExcluded(p) && !unavailable.has(p) };
  return wf.steps.flatMap((step, i) =>
    stepShortfalls(step, i, people).map((s) => {
      const members = stepGroups(step).find((g) => g.key === s.group);
      const inGroup = members ? membersOf(members, input.groupMembers) : [];
      const gone = unavailableAmong(inGroup, unavailable);
      return { step: i + 1, group: s.group, required: s.required, excluded: inGroup.filter(isExcluded), ...(gone.length > 0 ? { unavailable: gone } : {}) };
    }),
  );
}

export type Resolution = { ok: true; workflow: Workflow; routedBy: RoutedBy } | { ok: false; code: EligibilityCode; workflowId?: string };

/**
 * SPEC 2.2/2.2a resolution: the explicit assignment if enabled; else the enabled rule with the
 * lowest priority that matches (ROUTING_INCOMPLETE when the page's labels or ancestors could not
 * all be read); else the space's single enabled workflow; else NO_WORKFLOW (WORKFLOW_DISABLED when
 * an assignment exists but is disabled and nothing else applies). A workflow the author chose must
 * be in the page's space (WORKFLOW_NOT_FOUND) and, when an assignment or a rule decides, be that
 * workflow (else WORKFLOW_NOT_ASSIGNED: neither can be routed around); otherwise it must be enabled,
 * and it routes as an assignment (the submission creates it: submission.ts assignmentSourceOf).
 */
export function resolveWorkflow(spaceId: string, assigned: Workflow | undefined, spaceWorkflows: Workflow[], chosenWorkflowId?: string, routing?: PageRouting): Resolution {
  const explicit = assigned && assigned.spaceId === spaceId ? assigned : undefined;
  const resolved = resolveWithoutChoice(spaceId, explicit, spaceWorkflows, routing);
  if (chosenWorkflowId === undefined) return resolved;
  const chosen = spaceWorkflows.find((w) => w.id === chosenWorkflowId && w.spaceId === spaceId);
  if (!chosen) return { ok: false, code: 'WORKFLOW_NOT_FOUND' };
  if (resolved.ok && resolved.workflow.id === chosen.id) return resolved;
  if (explicit && explicit.id !== chosen.id) return { ok: false, code: 'WORKFLOW_NOT_ASSIGNED', workflowId: explicit.id };
  if (resolved.ok && resolved.routedBy.kind === 'rule') return { ok: false, code: 'WORKFLOW_NOT_ASSIGNED', workflowId: resolved.workflow.id };
  if (!resolved.ok && resolved.code === 'ROUTING_INCOMPLETE') return resolved;
  // Only reached with several enabled workflows and nothing deciding: the author's choice becomes the page's
  // binding assignment (SPEC 2.2 "created by the first submission"), so it routes as one (audit A#12).
  return chosen.enabled ? { ok: true, workflow: chosen, routedBy: { kind: 'assignment' } } : { ok: false, code: 'WORKFLOW_DISABLED', workflowId: chosen.id };
}

function resolveWithoutChoice(spaceId: string, explicit: Workflow | undefined, spaceWorkflows: Workflow[], routing: PageRouting | undefined): Resolution {
  if (explicit?.enabled) return { ok: true, workflow: explicit, routedBy: { kind: 'assignment' } };
  const enabled = spaceWorkflows.filter((w) => w.enabled && w.spaceId === spaceId);
  if (!explicit) {
    const byRule = resolveByRules(enabled, routing);
    if (byRule) return byRule;
  }
  const [only] = enabled;
  if (enabled.length === 1 && only) return { ok: true, workflow: only, routedBy: { kind: 'default' } };
  if (explicit) return { ok: false, code: 'WORKFLOW_DISABLED', workflowId: explicit.id };
  return { ok: false, code: 'NO_WORKFLOW' };
}

/** The first enabled rule (by priority) that matches and names an enabled workflow; undefined: no rule decides. */
function resolveByRules(enabled: Workflow[], routing: PageRouting | undefined): Resolution | undefined {
  const rules = rulesInOrder(routing?.rules ?? []).filter((r) => enabled.some((w) => w.id === r.workflowId));
  if (rules.length === 0) return undefined;
  const facts = routing?.facts;
  if (!facts) return { ok: false, code: 'ROUTING_INCOMPLETE' };
  const rule = rules.find((r) => ruleMatches(r, facts));
  const workflow = rule && enabled.find((w) => w.id === rule.workflowId);
  return rule && workflow ? { ok: true, workflow, routedBy: { kind: 'rule', ruleId: rule.id } } : undefined;
}

/**
 * The checks about the page itself and the caller's right on it, before any workflow is resolved:
 * the answer to "may this person request approval of this page now" (ui.capabilities offers the
 * request form exactly when this passes; the form's preflight then tells the workflow's answer).
 */
export function pageGate(input: EligibilityInput): { ok: true; page: PageInfo } | { ok: false; code: EligibilityCode; reason: string } {
  const { page } = input;
  const refuse = (code: EligibilityCode) => ({ ok: false as const, code, reason: ELIGIBILITY_REASONS[code] });
  if (!page || !input.canRead || page.status === 'trashed' || page.status === 'deleted') return refuse('PAGE_NOT_FOUND');
  if (input.expectedSpaceId !== undefined && page.spaceId !== input.expectedSpaceId) return refuse('WRONG_SPACE');
  if (page.status !== 'current') return refuse('PAGE_NOT_PUBLISHED');
  if (!input.canEdit) return refuse('NO_EDIT_PERMISSION');
  if (input.latest?.status === 'pending') return refuse('PENDING_APPROVAL');
  if (input.latest?.status === 'approved' && input.latest.pageVersion >= page.version && !openForReview(input.latest, input.now)) return refuse('ALREADY_APPROVED');
  return { ok: true, page };
}

export function checkEligibility(input: EligibilityInput): EligibilityResult {
  const gate = pageGate(input);
  if (!gate.ok) return fail(gate.code);
  const { page } = gate;
  const resolved = resolveWorkflow(page.spaceId, input.assigned, input.spaceWorkflows, input.chosenWorkflowId, input.routing);
  if (!resolved.ok) return fail(resolved.code, resolved.workflowId);
  const wf = resolved.workflow;
  const short = ineligibleGroups(wf, input);
  if (short.length > 0) return fail('NO_ELIGIBLE_APPROVER', wf.id, short);
  return { ok: true, workflow: wf, page, routedBy: resolved.routedBy };
}
