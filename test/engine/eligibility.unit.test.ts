/**
 * Table-driven unit tests of the pure rules (issue 7 item 8): checkEligibility's precedence across
 * every code (SPEC 2.6) and resolveWorkflow (SPEC 2.2). Each row starts from an eligible input and
 * breaks exactly the checks it names; the first failing check in SPEC order wins.
 */
import { approvalFixture } from '../support/approval-fixture';
import { ELIGIBILITY_REASONS, checkEligibility, resolveWorkflow } from '../../src/core/domain/eligibility';
import type { RoutingRule } from '../../src/core/domain/routing';
import type { EligibilityCode, EligibilityInput } from '../../src/core/domain/eligibility';
import type { PageApproval, Workflow } from '../../src/core/domain/model';
import type { PageInfo } from '../../src/core/ports/confluence';

const SPACE = '1002';
const AUTHOR = 'acc-bob';

function wf(id: string, fields: Partial<Workflow> = {}): Workflow {
  return {
    id,
    spaceId: SPACE,
    name: id,
    enabled: true,
    steps: [{ approvers: ['acc-carol'], mode: 'any' }],
    owners: ['acc-alice'],
    allowSelfApproval: false,
    createdAt: 0,
    createdBy: 'system',
    updatedAt: 0,
    updatedBy: 'system',
    version: 1,
    ...fields,
  };
}

const page: PageInfo = { id: '3001', spaceId: SPACE, title: 'T', status: 'current', version: 5 };
const approval = (status: PageApproval['status'], pageVersion = 5): PageApproval =>
  approvalFixture({
    pageId: '3001',
    spaceId: SPACE,
    pageVersion,
    workflowId: 'wf-a',
    workflowSnapshot: { id: 'wf-a', name: 'a', steps: [{ approvers: ['acc-carol'], mode: 'any' }], allowSelfApproval: false, version: 1 },
    status,
    submittedBy: AUTHOR,
  });

function rule(id: string, priority: number, match: RoutingRule['match'], workflowId: string, enabled = true): RoutingRule {
  return { id, priority, match, workflowId, enabled };
}
const facts = (labels: string[], ancestorIds: string[] = []) => ({ labels: new Set(labels), ancestorIds: new Set(ancestorIds) });

function eligible(): EligibilityInput {
  return { callerId: AUTHOR, pageId: '3001', page, canRead: true, canEdit: true, latest: undefined, assigned: undefined, spaceWorkflows: [wf('wf-a')], groupMembers: new Map() };
}

type Breaker = (i: EligibilityInput) => EligibilityInput;
const breaks: Record<EligibilityCode, Breaker> = {
  PAGE_NOT_FOUND: (i) => ({ ...i, canRead: false }),
  WRONG_SPACE: (i) => ({ ...i, expectedSpaceId: '1001' }),
  PAGE_NOT_PUBLISHED: (i) => ({ ...i, page: { ...page, status: 'draft' } }),
  NO_EDIT_PERMISSION: (i) => ({ ...i, canEdit: false }),
  PENDING_APPROVAL: (i) => ({ ...i, latest: approval('pending') }),
  ALREADY_APPROVED: (i) => ({ ...i, latest: approval('approved', 5) }),
  WORKFLOW_NOT_FOUND: (i) => ({ ...i, chosenWorkflowId: 'wf-elsewhere' }),
  WORKFLOW_NOT_ASSIGNED: (i) => ({ ...i, assigned: i.spaceWorkflows[0], spaceWorkflows: [...i.spaceWorkflows, wf('wf-b')], chosenWorkflowId: 'wf-b' }),
  WORKFLOW_DISABLED: (i) => ({ ...i, assigned: wf('wf-a', { enabled: false }), spaceWorkflows: [wf('wf-a', { enabled: false })] }),
  NO_WORKFLOW: (i) => ({ ...i, spaceWorkflows: [] }),
  NO_ELIGIBLE_APPROVER: (i) => ({ ...i, spaceWorkflows: [wf('wf-a', { steps: [{ approvers: [AUTHOR], mode: 'any' }] })] }),
  ROUTING_INCOMPLETE: (i) => ({ ...i, routing: { rules: [rule('r1', 1, { labelsAny: ['legal'] }, 'wf-a')] } }),
};

/** SPEC 2.6 order of checks; the workflow checks come from resolveWorkflow, whose own precedence is tested below. */
const PRECEDENCE: EligibilityCode[] = [
  'PAGE_NOT_FOUND',
  'WRONG_SPACE',
  'PAGE_NOT_PUBLISHED',
  'NO_EDIT_PERMISSION',
  'PENDING_APPROVAL',
  'ALREADY_APPROVED',
  'WORKFLOW_NOT_FOUND',
  'NO_ELIGIBLE_APPROVER',
];

describe('checkEligibility', () => {
  test('an eligible input passes and returns the page and the workflow', () => {
    expect(checkEligibility(eligible())).toEqual({ ok: true, workflow: wf('wf-a'), page, routedBy: { kind: 'default' } });
  });

  test.each(Object.keys(breaks) as EligibilityCode[])('%s alone gives that code with its reason', (code) => {
    const result = checkEligibility(breaks[code](eligible()));
    expect(result).toMatchObject({ ok: false, code, reason: ELIGIBILITY_REASONS[code] });
  });

  // pending and approved are two values of the same field (the latest approval): never both at once
  const exclusive = (x: EligibilityCode, y: EligibilityCode) => x === 'PENDING_APPROVAL' && y === 'ALREADY_APPROVED';
  const pairs = PRECEDENCE.flatMap((winner, i) => PRECEDENCE.slice(i + 1).filter((loser) => !exclusive(winner, loser)).map((loser) => [winner, loser] as const));
  test.each(pairs)('%s wins over %s', (winner, loser) => {
    const input = breaks[loser](breaks[winner](eligible()));
    expect(checkEligibility(input)).toMatchObject({ ok: false, code: winner });
  });

  test('a deleted or trashed page is PAGE_NOT_FOUND, never a status the caller could learn from', () => {
    for (const status of ['trashed', 'deleted'] as const) {
      expect(checkEligibility({ ...eligible(), page: { ...page, status } })).toMatchObject({ code: 'PAGE_NOT_FOUND' });
    }
    expect(checkEligibility({ ...eligible(), page: undefined })).toMatchObject({ code: 'PAGE_NOT_FOUND' });
  });

  test('an approval at an older version is not ALREADY_APPROVED (the page is stale and may be resubmitted)', () => {
    expect(checkEligibility({ ...eligible(), latest: approval('approved', 4) }).ok).toBe(true);
  });

  test('a group approver other than the submitter makes a step decidable; self-approval re-admits the submitter', () => {
    const grouped = wf('wf-a', { steps: [{ approvers: ['group:g'], mode: 'all' }] });
    const input = { ...eligible(), spaceWorkflows: [grouped] };
    expect(checkEligibility({ ...input, groupMembers: new Map([['g', [AUTHOR]]]) })).toMatchObject({ code: 'NO_ELIGIBLE_APPROVER' });
    expect(checkEligibility({ ...input, groupMembers: new Map([['g', [AUTHOR, 'acc-dave']]]) }).ok).toBe(true);
    const self = wf('wf-a', { steps: [{ approvers: [AUTHOR], mode: 'any' }], allowSelfApproval: true });
    expect(checkEligibility({ ...eligible(), spaceWorkflows: [self] }).ok).toBe(true);
  });
});

describe('resolveWorkflow', () => {
  const a = wf('wf-a');
  const b = wf('wf-b');
  const aOff = wf('wf-a', { enabled: false });
  const other = wf('wf-x', { spaceId: '1001' });
  const rows: Array<[string, Workflow | undefined, Workflow[], string | undefined, string]> = [
    // description, assigned, space workflows, chosen, expected (workflow id or code)
    ['single enabled workflow, no choice', undefined, [a], undefined, 'wf-a'],
    ['several enabled, no assignment, no choice', undefined, [a, b], undefined, 'NO_WORKFLOW'],
    ['several enabled, chosen one', undefined, [a, b], 'wf-b', 'wf-b'],
    ['chosen workflow disabled, no assignment', undefined, [aOff, b], 'wf-a', 'WORKFLOW_DISABLED'],
    ['chosen workflow not in the space', undefined, [a, b], 'wf-x', 'WORKFLOW_NOT_FOUND'],
    ['chosen workflow of another space, page assigned', a, [a, b, other], 'wf-x', 'WORKFLOW_NOT_FOUND'],
    ['no workflow at all', undefined, [], undefined, 'NO_WORKFLOW'],
    ['assignment wins over the single-enabled rule', b, [a, b], undefined, 'wf-b'],
    ['assignment named again', b, [a, b], 'wf-b', 'wf-b'],
    ['assignment binds: another workflow chosen', b, [a, b], 'wf-a', 'WORKFLOW_NOT_ASSIGNED'],
    ['disabled assignment, one other enabled', aOff, [aOff, b], undefined, 'wf-b'],
    ['disabled assignment, the applying workflow chosen', aOff, [aOff, b], 'wf-b', 'wf-b'],
    ['disabled assignment, itself chosen', aOff, [aOff, b], 'wf-a', 'WORKFLOW_DISABLED'],
    ['disabled assignment, several others enabled', aOff, [aOff, b, wf('wf-c')], undefined, 'WORKFLOW_DISABLED'],
    ['disabled assignment and nothing else', aOff, [aOff], undefined, 'WORKFLOW_DISABLED'],
    ['assignment to a workflow of another space is ignored', other, [a], undefined, 'wf-a'],
  ];
  test.each(rows)('%s', (_description, assigned, workflows, chosen, expected) => {
    const result = resolveWorkflow(SPACE, assigned, workflows, chosen);
    expect(result.ok ? result.workflow.id : result.code).toBe(expected);
  });
});

describe('resolveWorkflow with routing rules (SPEC 2.2a)', () => {
  const a = wf('wf-a');
  const b = wf('wf-b');
  const c = wf('wf-c');
  const legal = rule('r-legal', 10, { labelsAny: ['legal'] }, 'wf-b');
  const tree = rule('r-tree', 5, { underPageId: '3000' }, 'wf-c');
  const both = rule('r-both', 1, { labelsAll: ['legal', 'gdpr'] }, 'wf-a');
  const rules = [legal, tree, both];
  const resolve = (assigned: Workflow | undefined, f: ReturnType<typeof facts> | undefined, chosen?: string, list = rules, workflows = [a, b, c]) =>
    resolveWorkflow(SPACE, assigned, workflows, chosen, { rules: list, ...(f ? { facts: f } : {}) });
  const outcome = (r: ReturnType<typeof resolveWorkflow>) => (r.ok ? [r.workflow.id, r.routedBy] : [r.code]);

  test('the matching enabled rule with the lowest priority number decides', () => {
    expect(outcome(resolve(undefined, facts(['legal'])))).toEqual(['wf-b', { kind: 'rule', ruleId: 'r-legal' }]);
    expect(outcome(resolve(undefined, facts(['legal'], ['3000'])))).toEqual(['wf-c', { kind: 'rule', ruleId: 'r-tree' }]);
    expect(outcome(resolve(undefined, facts(['legal', 'gdpr'], ['3000'])))).toEqual(['wf-a', { kind: 'rule', ruleId: 'r-both' }]);
  });
  test('an explicit assignment wins over every rule, and nothing read is needed for it', () => {
    expect(outcome(resolve(c, undefined))).toEqual(['wf-c', { kind: 'assignment' }]);
  });
  test('no rule matches: the single enabled workflow, else NO_WORKFLOW', () => {
    expect(outcome(resolve(undefined, facts(['other']), undefined, [legal], [a, b]))).toEqual(['NO_WORKFLOW']);
    expect(outcome(resolve(undefined, facts(['other']), undefined, [rule('r', 1, { labelsAny: ['x'] }, 'wf-a')], [a]))).toEqual(['wf-a', { kind: 'default' }]);
  });
  test('disabled rules and rules whose workflow is disabled are skipped', () => {
    expect(outcome(resolve(undefined, facts(['legal']), undefined, [{ ...legal, enabled: false }], [a]))).toEqual(['wf-a', { kind: 'default' }]);
    expect(outcome(resolve(undefined, facts(['legal']), undefined, [legal], [a, wf('wf-b', { enabled: false })]))).toEqual(['wf-a', { kind: 'default' }]);
  });
  test('facts that could not all be read: ROUTING_INCOMPLETE, never a silent fallback', () => {
    expect(outcome(resolve(undefined, undefined))).toEqual(['ROUTING_INCOMPLETE']);
    expect(outcome(resolve(undefined, undefined, 'wf-a'))).toEqual(['ROUTING_INCOMPLETE']);
  });
  test('an author cannot choose around a rule; choosing its workflow is fine', () => {
    expect(outcome(resolve(undefined, facts(['legal']), 'wf-a'))).toEqual(['WORKFLOW_NOT_ASSIGNED']);
    expect(outcome(resolve(undefined, facts(['legal']), 'wf-b'))).toEqual(['wf-b', { kind: 'rule', ruleId: 'r-legal' }]);
  });
});
