/** Step composition (SPEC 2.1a): group counts by a maximum matching, reject policies, the preview, save-time reachability. */
import fc from 'fast-check';
import { applyDecision, previewDecision } from '../../src/core/domain/decisions';
import { DomainError } from '../../src/core/domain/errors';
import type { ApproverGroup, Decision, PageApproval, WorkflowStep } from '../../src/core/domain/model';
import { evaluateStep, maximumMatching, progressLine, savedStep } from '../../src/core/domain/step-composition';
import { checkWorkflowReachable } from '../../src/core/domain/quorum-reachability';
import { workflowStep } from '../../src/core/domain/fields';
import { approvalFixture } from '../support/approval-fixture';

const REASON = 'This needs another review round.';
const members = new Map([['eng-reviewers', ['acc-carol', 'acc-dave']]]);
const everyone = { groupMembers: members, isEligible: () => true };

/** The issue's two-group step: "Legal: 1 of alice", "Eng: 2 of group eng-reviewers". */
const twoGroups: WorkflowStep = {
  groups: [
    { key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 1 },
    { key: 'eng', name: 'Eng', approvers: ['group:eng-reviewers'], required: 2 },
  ],
};

function pending(steps: WorkflowStep[], decisions: Decision[] = []): PageApproval {
  return approvalFixture({ submittedBy: 'acc-bob', workflowSnapshot: { id: 'wf', name: 'wf', steps, allowSelfApproval: false, version: 1 }, decisions });
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('a two-group step', () => {
  test('completes exactly when both counts are met, whatever the order', () => {
    let a = pending([twoGroups]);
    a = applyDecision(a, 'acc-carol', 'approve', undefined, members, 1).approval;
    expect(a.status).toBe('pending');
    a = applyDecision(a, 'acc-alice', 'approve', undefined, members, 2).approval;
    expect(a.status).toBe('pending');
    const done = applyDecision(a, 'acc-dave', 'approve', undefined, members, 3);
    expect(done.approval.status).toBe('approved');
    expect(done.completedStep).toBe(0);
  });

  test('progress per group names who approved and who is waited for', () => {
    const a = pending([twoGroups], [{ step: 0, accountId: 'acc-alice', decision: 'approve', at: 1 }, { step: 0, accountId: 'acc-carol', decision: 'approve', at: 2 }]);
    const { groups } = evaluateStep(twoGroups, a.decisions, 0, everyone);
    expect(groups).toEqual([
      { key: 'legal', name: 'Legal', required: 1, approvedBy: ['acc-alice'], waitingFor: [] },
      { key: 'eng', name: 'Eng', required: 2, approvedBy: ['acc-carol'], waitingFor: ['acc-dave'] },
    ]);
    expect(progressLine(groups, (id) => id.replace('acc-', ''))).toBe('Legal 1/1 ✓ · Eng 1/2, waiting for dave');
  });

  test('an approver whose groups are all full gets STEP_ALREADY_SATISFIED_FOR_YOU; the preview says so first', () => {
    const step: WorkflowStep = { groups: [{ key: 'eng', name: 'Eng', approvers: ['acc-carol', 'acc-dave', 'acc-erin'], required: 1 }, { key: 'legal', name: 'Legal', approvers: ['acc-alice'], required: 1 }] };
    const a = pending([step], [{ step: 0, accountId: 'acc-carol', decision: 'approve', at: 1 }]);
    expect(previewDecision(a, 'acc-dave', members)).toEqual({ countsToward: [], completesStep: false, completesApproval: false });
    expect(codeOf(() => applyDecision(a, 'acc-dave', 'approve', undefined, members, 2))).toBe('STEP_ALREADY_SATISFIED_FOR_YOU');
    expect(previewDecision(a, 'acc-alice', members)).toEqual({ countsToward: ['legal'], completesStep: true, completesApproval: true });
    // a rejection under the default policy still matters
    expect(applyDecision(a, 'acc-dave', 'reject', REASON, members, 2).approval.status).toBe('rejected');
  });

  test('with distinctAcrossGroups one person fills one slot; without it, every group they belong to', () => {
    const shared = (distinct: boolean): WorkflowStep => ({
      groups: [
        { key: 'a', name: 'A', approvers: ['acc-carol', 'acc-dave'], required: 1 },
        { key: 'b', name: 'B', approvers: ['acc-carol', 'acc-erin'], required: 1 },
      ],
      distinctAcrossGroups: distinct,
    });
    expect(applyDecision(pending([shared(true)]), 'acc-carol', 'approve', undefined, members, 1).approval.status).toBe('pending');
    expect(applyDecision(pending([shared(false)]), 'acc-carol', 'approve', undefined, members, 1).approval.status).toBe('approved');
  });

  test('a later approval re-matches earlier ones so nobody is wasted', () => {
    // carol can fill A or B; dave only A. carol first takes A; dave's approval moves carol to B.
    const step: WorkflowStep = { groups: [{ key: 'a', name: 'A', approvers: ['acc-carol', 'acc-dave'], required: 1 }, { key: 'b', name: 'B', approvers: ['acc-carol'], required: 1 }] };
    const a = applyDecision(pending([step]), 'acc-carol', 'approve', undefined, members, 1).approval;
    expect(previewDecision(a, 'acc-dave', members).countsToward).toEqual(['a']);
    expect(applyDecision(a, 'acc-dave', 'approve', undefined, members, 2).approval.status).toBe('approved');
  });
});

describe('reject policies', () => {
  const group = (required: ApproverGroup['required']): ApproverGroup => ({ key: 'eng', name: 'Eng', approvers: ['acc-alice', 'acc-carol', 'acc-dave'], required });
  test('"unreachable" rejects only once a group can no longer reach its count', () => {
    const step: WorkflowStep = { groups: [group(2)], rejectPolicy: 'unreachable' };
    const first = applyDecision(pending([step]), 'acc-carol', 'reject', REASON, members, 1);
    expect(first.approval.status).toBe('pending');
    expect(first.actions).toEqual(['approval.rejected']);
    expect(applyDecision(first.approval, 'acc-dave', 'reject', REASON, members, 2).approval.status).toBe('rejected');
  });
  test('{threshold: 2} rejects at the second rejection', () => {
    const step: WorkflowStep = { groups: [group(1)], rejectPolicy: { threshold: 2 } };
    const first = applyDecision(pending([step]), 'acc-carol', 'reject', REASON, members, 1).approval;
    expect(first.status).toBe('pending');
    expect(applyDecision(first, 'acc-dave', 'reject', REASON, members, 2).approval.status).toBe('rejected');
  });
  test('"any" (the default) rejects at the first rejection', () => {
    expect(applyDecision(pending([{ groups: [group(2)] }]), 'acc-carol', 'reject', REASON, members, 1).approval.status).toBe('rejected');
  });
});

describe('saved form and save-time checks', () => {
  test('a short-form step is saved as one group with the short form mirrored', () => {
    expect(savedStep({ approvers: ['acc-carol'], mode: 'all' })).toEqual({ approvers: ['acc-carol'], mode: 'all', groups: [{ key: 'approvers', name: 'Approvers', approvers: ['acc-carol'], required: 'all' }] });
    expect(savedStep({ groups: [{ key: 'x', name: 'X', approvers: ['acc-carol', 'acc-dave'], required: 2 }] })).toEqual({ groups: [{ key: 'x', name: 'X', approvers: ['acc-carol', 'acc-dave'], required: 2 }] });
  });
  const save = (step: WorkflowStep) => codeOf(() => checkWorkflowReachable({ steps: [savedStep(step)] }));
  test('QUORUM_UNREACHABLE: more required than named users', () => {
    expect(save({ groups: [{ key: 'x', name: 'X', approvers: ['acc-carol'], required: 2 }] })).toBe('QUORUM_UNREACHABLE');
    expect(save({ groups: [{ key: 'x', name: 'X', approvers: ['group:eng-reviewers'], required: 5 }] })).toBe('OK');
  });
  test('QUORUM_UNREACHABLE: distinct groups that share too few people', () => {
    const shared = (distinct?: boolean): WorkflowStep => ({
      groups: [
        { key: 'a', name: 'A', approvers: ['acc-carol'], required: 1 },
        { key: 'b', name: 'B', approvers: ['acc-carol'], required: 1 },
      ],
      ...(distinct === false ? { distinctAcrossGroups: false } : {}),
    });
    expect(save(shared())).toBe('QUORUM_UNREACHABLE');
    expect(save(shared(false))).toBe('OK');
  });
  test('duplicate keys, duplicate approvers and a threshold above the approvers are field errors of the step schema', () => {
    const refusal = (step: WorkflowStep) => {
      const result = workflowStep.safeParse(step);
      return result.success ? 'OK' : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(refusal({ groups: [{ key: 'a', name: 'A', approvers: ['acc-carol'], required: 1 }, { key: 'a', name: 'B', approvers: ['acc-dave'], required: 1 }] })).toEqual(['groups: group keys must be unique in a step']);
    expect(refusal({ groups: [{ key: 'a', name: 'A', approvers: ['acc-carol', 'acc-carol'], required: 1 }] })).toEqual(['groups.0.approvers: approvers must be unique']);
    expect(refusal({ groups: [{ key: 'a', name: 'A', approvers: ['acc-carol'], required: 1 }], rejectPolicy: { threshold: 2 } })).toEqual(['rejectPolicy.threshold: must not exceed the number of approvers of the step']);
    expect(refusal({ groups: [{ key: 'a', name: 'A', approvers: ['group:eng'], required: 1 }], rejectPolicy: { threshold: 2 } })).toBe('OK');
  });
});

// ---------- properties ----------

const POOL = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const groupArb = fc.record({
  approvers: fc.uniqueArray(fc.constantFrom(...POOL), { minLength: 1, maxLength: 4 }),
  required: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant('all' as const)),
});
const stepArb = fc
  .record({ groups: fc.array(groupArb, { minLength: 1, maxLength: 3 }), distinct: fc.boolean(), policy: fc.constantFrom<WorkflowStep['rejectPolicy']>('any', 'unreachable', { threshold: 2 }) })
  .map(({ groups, distinct, policy }): WorkflowStep => ({
    groups: groups.map((g, i) => ({ key: `g${i}`, name: `G${i}`, ...g })),
    distinctAcrossGroups: distinct,
    rejectPolicy: policy,
  }));
const votesArb = fc.uniqueArray(fc.record({ who: fc.constantFrom(...POOL), approve: fc.boolean() }), { selector: (v) => v.who, maxLength: 6 });
const asDecisions = (votes: { who: string; approve: boolean }[]): Decision[] =>
  votes.map((v, i) => ({ step: 0, accountId: v.who, decision: v.approve ? 'approve' : 'reject', at: i + 1 }));
const people = { groupMembers: new Map<string, string[]>(), isEligible: () => true };

describe('properties of the counting', () => {
  test('no approval is counted twice and only members are counted', () => {
    fc.assert(
      fc.property(stepArb, votesArb, (step, votes) => {
        const { groups } = evaluateStep(step, asDecisions(votes), 0, people);
        const approvers = new Set(votes.filter((v) => v.approve).map((v) => v.who));
        groups.forEach((g, i) => {
          expect(new Set(g.approvedBy).size).toBe(g.approvedBy.length);
          expect(g.approvedBy.length).toBeLessThanOrEqual(g.required);
          for (const p of g.approvedBy) {
            expect(approvers.has(p)).toBe(true);
            expect(step.groups?.[i]?.approvers).toContain(p);
          }
        });
        if (step.distinctAcrossGroups) {
          const all = groups.flatMap((g) => g.approvedBy);
          expect(new Set(all).size).toBe(all.length);
        }
      }),
    );
  });

  test('the order of the decisions does not change the outcome', () => {
    fc.assert(
      fc.property(stepArb, votesArb, fc.func(fc.integer()), (step, votes, key) => {
        const shuffled = [...votes].sort((a, b) => key(a.who) - key(b.who));
        const one = evaluateStep(step, asDecisions(votes), 0, people);
        const two = evaluateStep(step, asDecisions(shuffled), 0, people);
        expect(two.complete).toBe(one.complete);
        expect(two.rejected).toBe(one.rejected);
        const counted = (e: typeof one) => e.groups.reduce((n, g) => n + g.approvedBy.length, 0);
        expect(counted(two)).toBe(counted(one));
      }),
    );
  });

  test('the matching is maximum (brute force on small cases)', () => {
    const best = (people: string[], capacity: number[], canFill: (p: string) => number[]): number => {
      const go = (i: number, left: number[]): number => {
        if (i === people.length) return 0;
        let top = go(i + 1, left);
        for (const g of canFill(people[i])) {
          if ((left[g] ?? 0) > 0) top = Math.max(top, 1 + go(i + 1, left.map((c, j) => (j === g ? c - 1 : c))));
        }
        return top;
      };
      return go(0, capacity);
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 6 }),
        fc.array(fc.record({ cap: fc.integer({ min: 1, max: 3 }), members: fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 6 }) }), { minLength: 1, maxLength: 3 }),
        (persons, groups) => {
          const canFill = (p: string) => groups.flatMap((g, i) => (g.members.includes(p) ? [i] : []));
          const caps = groups.map((g) => g.cap);
          expect(maximumMatching(persons, caps, canFill).size).toBe(best(persons, caps, canFill));
        },
      ),
    );
  });

  test('applying decisions one by one never approves a step before every group has its count', () => {
    fc.assert(
      fc.property(stepArb, fc.uniqueArray(fc.constantFrom(...POOL), { maxLength: 6 }), (step, order) => {
        let a = approvalFixture({ submittedBy: 'someone-else', workflowSnapshot: { id: 'wf', name: 'wf', steps: [step], allowSelfApproval: false, version: 1 } });
        order.forEach((who, i) => {
          if (a.status !== 'pending') return;
          try {
            a = applyDecision(a, who, 'approve', undefined, new Map(), i + 1).approval;
          } catch (err) {
            if (!(err instanceof DomainError)) throw err;
          }
        });
        const result = evaluateStep(step, a.decisions, 0, people);
        expect(a.status === 'approved').toBe(result.complete);
      }),
    );
  });
});
