/**
 * One vocabulary for states (SPEC §6): the words are exactly the SPEC's, and the byline, history and
 * comments take theirs from the one module, so the same state never has two names.
 */
import { STATE_LABEL, approvalStatusWord, pageStateWord, reviewStateWord } from '../../src/core/domain/vocabulary';
import { bylineOf } from '../../src/transport/byline/byline-properties';
import { decisionBody } from '../../src/core/services/notifications';
import type { PageApproval } from '../../src/core/domain/model';

const SPEC_WORDS = ['not requested', 'in approval', 'approved', 'changes requested', 'cancelled', 'stale', 'review due', 'review expired'];

describe('state vocabulary', () => {
  it('has exactly the eight SPEC §6 words', () => {
    expect(Object.values(STATE_LABEL).map((w) => w.toLowerCase())).toEqual(SPEC_WORDS);
  });

  it('names a page state, an approval status and a review state with the same words', () => {
    expect(STATE_LABEL[pageStateWord('draft')]).toBe('Not requested');
    expect(STATE_LABEL[approvalStatusWord('pending')]).toBe(STATE_LABEL[pageStateWord('in_approval')]);
    expect(STATE_LABEL[approvalStatusWord('rejected')]).toBe(STATE_LABEL[pageStateWord('changes_requested')]);
    expect(STATE_LABEL[pageStateWord('approved', true)]).toBe('Stale');
    expect(reviewStateWord('current')).toBeUndefined();
    expect(STATE_LABEL[reviewStateWord('expired')!]).toBe('Review expired');
  });

  it('the byline title reads "Approval: <word>" for every state', () => {
    const base = { approvedAtVersion: 3, currentPageVersion: 3, isStale: false, versionDelta: 0 };
    expect(bylineOf({ ...base, state: 'draft' } as never).title).toBe('Approval: not requested');
    expect(bylineOf({ ...base, state: 'in_approval' } as never).title).toBe('Approval: in approval');
    expect(bylineOf({ ...base, state: 'approved' } as never).title).toBe('Approval: approved');
    expect(bylineOf({ ...base, state: 'approved', isStale: true, versionDelta: 2, currentPageVersion: 5 } as never).title).toBe('Approval: stale');
    expect(bylineOf({ ...base, state: 'approved' } as never, { reviewState: 'due', reviewDueAt: 0 }).title).toBe('Approval: review due');
    expect(bylineOf({ ...base, state: 'changes_requested' } as never).title).toBe('Approval: changes requested');
  });

  it('a decision reply leads with the approval state in the same words', () => {
    const approval = { status: 'rejected', submittedBy: 'acc-bob', activeStep: 0, decisions: [], workflowSnapshot: { steps: [{ approvers: ['acc-carol'], mode: 'any' }] } } as unknown as PageApproval;
    expect(decisionBody(approval, 'the approver asked for changes', undefined, [])).toMatch(/^<p><strong>Changes requested<\/strong>: the approver asked for changes\.<\/p>/);
  });
});
