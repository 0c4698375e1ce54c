/** Table-driven unit tests of applyDecision (SPEC 2.3): who may decide, what each decision does. */
import { DomainError } from '../../src/core/domain/errors';
import { applyDecision } from '../../src/core/domain/decisions';
import type { PageApproval, WorkflowStep } from '../../src/core/domain/model';
import { approvalFixture } from '../support/approval-fixture';

const NOW = 1_000;
const AUTHOR = 'acc-bob';
const REASON = 'This needs another review round.';

function pending(steps: WorkflowStep[], fields: Partial<PageApproval> = {}, allowSelfApproval = false): PageApproval {
  return approvalFixture({ submittedBy: AUTHOR, workflowSnapshot: { id: 'wf', name: 'wf', steps, allowSelfApproval, version: 1 }, ...fields });
}

const any = (...approvers: string[]): WorkflowStep => ({ approvers, mode: 'any' });
const all = (...approvers: string[]): WorkflowStep => ({ approvers, mode: 'all' });
const groups = new Map([['g', ['acc-carol', 'acc-dave']]]);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('applyDecision refusals', () => {
  const rows: Array<[string, PageApproval, string, 'approve' | 'reject', string | undefined, string]> = [
    ['not pending', pending([any('acc-carol')], { status: 'approved' }), 'acc-carol', 'approve', undefined, 'APPROVAL_NOT_PENDING'],
    ['not an approver of the active step', pending([any('acc-carol'), any('acc-dave')]), 'acc-dave', 'approve', undefined, 'NOT_AN_APPROVER'],
    ['a group member is an approver', pending([any('group:g')]), 'acc-dave', 'approve', undefined, 'OK'],
    ['outside the group', pending([any('group:g')]), 'acc-erin', 'approve', undefined, 'NOT_AN_APPROVER'],
    ['the submitter approving their own submission', pending([any(AUTHOR, 'acc-carol')]), AUTHOR, 'approve', undefined, 'SELF_APPROVAL_NOT_ALLOWED'],
    ['the submitter with self-approval allowed', pending([any(AUTHOR)], {}, true), AUTHOR, 'approve', undefined, 'OK'],
    ['the submitter may reject', pending([any(AUTHOR, 'acc-carol')]), AUTHOR, 'reject', REASON, 'OK'],
    [
      'deciding twice on a step',
      pending([all('acc-carol', 'acc-dave')], { decisions: [{ step: 0, accountId: 'acc-carol', decision: 'approve', at: 1 }] }),
      'acc-carol',
      'approve',
      undefined,
      'ALREADY_DECIDED',
    ],
    ['a rejection without a reason', pending([any('acc-carol')]), 'acc-carol', 'reject', 'no', 'COMMENT_REQUIRED'],
    ['a comment over 280 characters', pending([any('acc-carol')]), 'acc-carol', 'approve', 'x'.repeat(281), 'COMMENT_TOO_LONG'],
  ];
  test.each(rows)('%s', (_d, approval, actor, decision, comment, expected) => {
    expect(codeOf(() => applyDecision(approval, actor, decision, comment, groups, NOW))).toBe(expected);
  });
});

describe('applyDecision outcomes', () => {
  const rows: Array<[string, PageApproval, string, 'approve' | 'reject', Partial<PageApproval>, string[], number | undefined]> = [
    // description, approval, actor, decision, expected fields, audit actions, completed step
    ['any: the first approval completes the last step', pending([any('acc-carol', 'acc-dave')]), 'acc-dave', 'approve', { status: 'approved', activeStep: 0, decidedAt: NOW }, ['approval.approved'], 0],
    ['any: a completed step moves on', pending([any('acc-carol'), any('acc-dave')]), 'acc-carol', 'approve', { status: 'pending', activeStep: 1 }, ['approval.approved', 'approval.step_completed'], 0],
    ['all: one of two approvals waits', pending([all('acc-carol', 'acc-dave')]), 'acc-carol', 'approve', { status: 'pending', activeStep: 0 }, ['approval.approved'], undefined],
    [
      'all: the last approval completes',
      pending([all('acc-carol', 'acc-dave')], { decisions: [{ step: 0, accountId: 'acc-dave', decision: 'approve', at: 1 }] }),
      'acc-carol',
      'approve',
      { status: 'approved' },
      ['approval.approved'],
      0,
    ],
    ['all: the submitter is not waited for when self-approval is off', pending([all(AUTHOR, 'acc-carol')]), 'acc-carol', 'approve', { status: 'approved' }, ['approval.approved'], 0],
    ['all over a group: every member must approve', pending([all('group:g')]), 'acc-carol', 'approve', { status: 'pending' }, ['approval.approved'], undefined],
    ['any rejection rejects the whole approval', pending([any('acc-carol'), any('acc-dave')]), 'acc-carol', 'reject', { status: 'rejected', activeStep: 0, decidedAt: NOW }, ['approval.rejected'], undefined],
  ];
  test.each(rows)('%s', (_d, approval, actor, decision, fields, actions, completedStep) => {
    const outcome = applyDecision(approval, actor, decision, decision === 'reject' ? REASON : undefined, groups, NOW);
    expect(outcome.approval).toMatchObject({ ...fields, version: approval.version + 1 });
    expect(outcome.approval.decisions.at(-1)).toMatchObject({ step: approval.activeStep, accountId: actor, decision, at: NOW });
    expect(outcome.actions).toEqual(actions);
    expect(outcome.completedStep).toBe(completedStep);
  });
});
