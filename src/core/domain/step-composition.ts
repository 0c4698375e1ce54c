/**
 * Step composition (SPEC 2.1a) as pure functions: a step's approver groups, each with a `required`
 * count, counted by a maximum bipartite matching of approvals to group slots that is recomputed
 * from all of the step's decisions every time (so no approval is ever counted twice, and the order
 * in which decisions arrived does not change whether the step completes).
 */
import type { ApproverGroup, Decision, RejectPolicy, WorkflowStep } from './model';
import { FIELD_LIMITS } from './limits';

export const GROUP_PREFIX = 'group:';

export function groupIdOf(approver: string): string | undefined {
  return approver.startsWith(GROUP_PREFIX) ? approver.slice(GROUP_PREFIX.length) : undefined;
}

/** The key and name of the one group a short-form step `{approvers, mode}` stands for. */
export const SHORT_FORM_GROUP = { key: 'approvers', name: 'Approvers' } as const;

/** A step's groups; a short-form step (or a record written before 2.1a) is one group. */
export function stepGroups(step: WorkflowStep): ApproverGroup[] {
  if (step.groups && step.groups.length > 0) return step.groups;
  return [{ ...SHORT_FORM_GROUP, approvers: step.approvers ?? [], required: step.mode === 'all' ? 'all' : 1 }];
}

export const rejectPolicyOf = (step: WorkflowStep): RejectPolicy => step.rejectPolicy ?? 'any';
export const distinctAcrossGroups = (step: WorkflowStep): boolean => step.distinctAcrossGroups ?? true;

/** Every approver entry of a step (accounts and "group:<id>"), each once. */
export function stepPrincipals(step: WorkflowStep): string[] {
  return [...new Set(stepGroups(step).flatMap((g) => g.approvers))];
}

/**
 * The saved form of a step: `groups` always; `approvers`/`mode` too when the step is one group of
 * "any" (required 1) or "all", so integrations that read the short form keep working. The defaults
 * (`rejectPolicy: "any"`, `distinctAcrossGroups: true`) are left out, as a short-form step has them.
 */
export function savedStep(step: WorkflowStep): WorkflowStep {
  const groups = stepGroups(step).map((g) => ({ key: g.key, name: g.name.trim(), approvers: [...g.approvers], required: g.required }));
  const name = step.name?.trim();
  const [only] = groups;
  const short = groups.length === 1 && only && (only.required === 1 || only.required === 'all') ? { approvers: [...only.approvers], mode: only.required === 1 ? ('any' as const) : ('all' as const) } : {};
  const policy = step.rejectPolicy ?? 'any';
  return {
    ...(name ? { name } : {}),
    ...short,
    groups,
    ...(policy !== 'any' ? { rejectPolicy: policy } : {}),
    ...(step.distinctAcrossGroups === false ? { distinctAcrossGroups: false } : {}),
    ...(step.signature ? { signature: step.signature } : {}),
  };
}

/** Unique account ids of a group, "group:<id>" entries expanded through `groupMembers` (unknown group → nobody). */
export function membersOf(group: ApproverGroup, groupMembers: ReadonlyMap<string, string[]>): string[] {
  const out = new Set<string>();
  for (const approver of group.approvers) {
    const groupId = groupIdOf(approver);
    if (groupId === undefined) out.add(approver);
    else for (const member of groupMembers.get(groupId) ?? []) out.add(member);
  }
  return [...out];
}

/** What the counting needs to know about people: group members now, and who may decide (submitter rule, SoD). */
export interface StepPeople {
  groupMembers: ReadonlyMap<string, string[]>;
  isEligible: (accountId: string) => boolean;
}

/** "all" counts every eligible member at decision time, capped (SPEC 2.1a); an emptied group still needs one (it is stuck, not done). */
export const ALL_MEMBERS_CAP = FIELD_LIMITS.approvers.max;

export function requiredCount(group: ApproverGroup, people: StepPeople): number {
  if (group.required !== 'all') return group.required;
  const eligible = membersOf(group, people.groupMembers).filter(people.isEligible).length;
  return Math.max(1, Math.min(ALL_MEMBERS_CAP, eligible));
}

/** Whose slot a decision fills: the delegator's for a delegate's decision (SPEC 2.3b). */
export const slotHolder = (d: Pick<Decision, 'accountId' | 'onBehalfOf'>): string => d.onBehalfOf ?? d.accountId;

/**
 * Maximum matching of people to group slots (`capacity[g]` slots in group g; person p may take a
 * slot of the groups in `canFill(p)`). People are tried in the order given and groups in step
 * order, so ties go to the earlier group and the earlier approval. Returns the group index per
 * matched person.
 */
export function maximumMatching(people: string[], capacity: number[], canFill: (person: string) => number[]): Map<string, number> {
  const assigned = new Map<string, number>();
  const holders: string[][] = capacity.map(() => []);
  const tryAssign = (person: string, visited: Set<number>): boolean => {
    for (const g of canFill(person)) {
      if (visited.has(g)) continue;
      visited.add(g);
      const inGroup = holders[g] ?? [];
      if (inGroup.length < (capacity[g] ?? 0)) {
        inGroup.push(person);
        assigned.set(person, g);
        return true;
      }
      for (const other of [...inGroup]) {
        if (tryAssign(other, visited)) {
          inGroup.splice(inGroup.indexOf(other), 1, person);
          assigned.set(person, g);
          return true;
        }
      }
    }
    return false;
  };
  for (const person of people) {
    if (!assigned.has(person)) tryAssign(person, new Set());
  }
  return assigned;
}

export interface GroupProgress {
  key: string;
  name: string;
  /** the count this group needs now ("all" resolved against its members) */
  required: number;
  /** slot holders counted toward this group */
  approvedBy: string[];
  /** eligible members who have not decided, while the group still needs approvals (a read names at most 50: named-progress.ts) */
  waitingFor: string[];
  /** a read left people out of `waitingFor` (issue 23: big groups) */
  waitingForMore?: true;
  /** with `waitingForMore`: how many wait in all, when known */
  waitingForCount?: number;
}

export interface StepEvaluation {
  groups: GroupProgress[];
  complete: boolean;
  rejected: boolean;
}

interface Counting {
  groups: ApproverGroup[];
  required: number[];
  members: string[][];
}

function counting(step: WorkflowStep, people: StepPeople): Counting {
  const groups = stepGroups(step);
  return { groups, required: groups.map((g) => requiredCount(g, people)), members: groups.map((g) => membersOf(g, people.groupMembers)) };
}

const groupsOfPerson = (c: Counting, person: string): number[] => c.members.flatMap((m, g) => (m.includes(person) ? [g] : []));

/** Count per group of `approvers` (slot holders, in approval order): matched when distinct, else each person in every group they belong to. */
function countApprovals(step: WorkflowStep, c: Counting, approvers: string[]): string[][] {
  const counted: string[][] = c.groups.map(() => []);
  if (distinctAcrossGroups(step)) {
    const matched = maximumMatching(approvers, c.required, (p) => groupsOfPerson(c, p));
    for (const person of approvers) {
      const g = matched.get(person);
      if (g !== undefined) counted[g]?.push(person);
    }
    return counted;
  }
  for (const person of approvers) {
    for (const g of groupsOfPerson(c, person)) {
      const list = counted[g];
      if (list && list.length < (c.required[g] ?? 0)) list.push(person);
    }
  }
  return counted;
}

const total = (counts: string[][]): number => counts.reduce((n, l) => n + l.length, 0);
const sum = (values: number[]): number => values.reduce((n, v) => n + v, 0);

/** The decisions of one step, each slot holder once (their first decision), in time order. */
export function stepDecisions(decisions: Decision[], stepIndex: number): Decision[] {
  const seen = new Set<string>();
  return decisions
    .filter((d) => d.step === stepIndex)
    .sort((a, b) => a.at - b.at)
    .filter((d) => {
      const holder = slotHolder(d);
      if (seen.has(holder)) return false;
      seen.add(holder);
      return true;
    });
}

/** Can the step still complete if every eligible person who has not rejected approved? */
function reachable(step: WorkflowStep, c: Counting, people: StepPeople, approved: string[], rejected: ReadonlySet<string>): boolean {
  const others = [...new Set(c.members.flat())].filter((p) => !approved.includes(p) && !rejected.has(p) && people.isEligible(p));
  const counts = countApprovals(step, c, [...approved, ...others]);
  return counts.every((list, g) => list.length >= (c.required[g] ?? 0));
}

/** Progress of a step from its decisions (SPEC 2.1a): per-group counts, completion, rejection by its policy. */
export function evaluateStep(step: WorkflowStep, decisions: Decision[], stepIndex: number, people: StepPeople): StepEvaluation {
  const c = counting(step, people);
  const own = stepDecisions(decisions, stepIndex);
  const approved = own.filter((d) => d.decision === 'approve').map(slotHolder);
  const rejecters = new Set(own.filter((d) => d.decision === 'reject').map(slotHolder));
  const decided = new Set(own.map(slotHolder));
  const counts = countApprovals(step, c, approved);
  const complete = counts.every((list, g) => list.length >= (c.required[g] ?? 0));
  const policy = rejectPolicyOf(step);
  const rejected =
    rejecters.size > 0 &&
    (policy === 'any' || (policy === 'unreachable' ? !reachable(step, c, people, approved, rejecters) : rejecters.size >= policy.threshold));
  const groups = c.groups.map((g, i): GroupProgress => {
    const approvedBy = counts[i] ?? [];
    const required = c.required[i] ?? 0;
    const waitingFor = approvedBy.length >= required ? [] : (c.members[i] ?? []).filter((p) => !decided.has(p) && people.isEligible(p));
    return { key: g.key, name: g.name, required, approvedBy, waitingFor };
  });
  return { groups, complete, rejected };
}

/**
 * The groups an approval by `holder` would add a counted slot to (SPEC 2.1a preview): empty when
 * the approval would count toward no group that still needs it (STEP_ALREADY_SATISFIED_FOR_YOU).
 */
export function countsToward(step: WorkflowStep, decisions: Decision[], stepIndex: number, holder: string, people: StepPeople): string[] {
  const c = counting(step, people);
  const approved = stepDecisions(decisions, stepIndex).filter((d) => d.decision === 'approve').map(slotHolder);
  if (approved.includes(holder)) return [];
  const own = groupsOfPerson(c, holder);
  if (!distinctAcrossGroups(step)) {
    const counts = countApprovals(step, c, approved);
    return own.filter((g) => (counts[g]?.length ?? 0) < (c.required[g] ?? 0)).map((g) => c.groups[g]?.key ?? '');
  }
  const before = total(countApprovals(step, c, approved));
  return own
    .filter((g) => {
      const only = { ...c, members: c.members.map((m, i) => (i === g ? m : m.filter((p) => p !== holder))) };
      return total(countApprovals(step, only, [...approved, holder])) > before;
    })
    .map((g) => c.groups[g]?.key ?? '');
}

/** Would a rejection by `holder` still matter (SPEC 2.1a)? Under "unreachable" only while a group they belong to still needs approvals. */
export function rejectionMatters(step: WorkflowStep, decisions: Decision[], stepIndex: number, holder: string, people: StepPeople): boolean {
  if (rejectPolicyOf(step) !== 'unreachable') return true;
  const progress = evaluateStep(step, decisions, stepIndex, people);
  const c = counting(step, people);
  return groupsOfPerson(c, holder).some((g) => {
    const p = progress.groups[g];
    return p !== undefined && p.approvedBy.length < p.required;
  });
}

export interface GroupShortfall {
  step: number;
  group: string;
  required: number;
  eligible: string[];
}

/**
 * Can every group of the step be filled by eligible people at all? Empty when it can; otherwise
 * the groups left short by the best matching (for NO_ELIGIBLE_APPROVER details and the stuck-approval check).
 */
export function stepShortfalls(step: WorkflowStep, stepIndex: number, people: StepPeople, approvedAlready: string[] = []): GroupShortfall[] {
  const c = counting(step, people);
  const eligible = c.members.map((m) => m.filter(people.isEligible));
  const candidates = [...new Set([...approvedAlready, ...eligible.flat()])];
  const counts = countApprovals(step, c, candidates);
  if (sum(counts.map((l) => l.length)) >= sum(c.required) && counts.every((l, g) => l.length >= (c.required[g] ?? 0))) return [];
  return c.groups.flatMap((g, i) => ((counts[i]?.length ?? 0) < (c.required[i] ?? 0) ? [{ step: stepIndex, group: g.key, required: c.required[i] ?? 0, eligible: eligible[i] ?? [] }] : []));
}

/** "Legal 1/1 ✓ · Security 1/2, waiting for Dave, Erin" (names through `nameOf`; "and others" when names were left out). */
export function progressLine(groups: GroupProgress[], nameOf: (accountId: string) => string): string {
  return groups
    .map((g) => {
      const count = `${g.name} ${Math.min(g.approvedBy.length, g.required)}/${g.required}`;
      if (g.approvedBy.length >= g.required) return `${count} ✓`;
      const others = g.waitingForMore ? ' and others' : '';
      return g.waitingFor.length > 0 ? `${count}, waiting for ${g.waitingFor.map(nameOf).join(', ')}${others}` : count;
    })
    .join(' · ');
}
