/** Review state (SPEC 2.7): the pure derivation at its boundaries, and what page status and preflight make of it. */
import type { PageApproval } from '../../src/core/domain/model';
import { DAY_MS, deriveReview, reviewTermsOf, stepStartedAt } from '../../src/core/lifecycle/review';
import { BOB, CAROL, ui } from '../engine/helpers';
import { lifecycleSetup } from './support';

const T = Date.UTC(2026, 2, 1);
const approved = (terms: Partial<PageApproval['workflowSnapshot']>): PageApproval => ({
  id: 'apr-1',
  pageId: '2001',
  spaceId: '1001',
  pageVersion: 3,
  workflowId: 'wf',
  workflowSnapshot: { id: 'wf', name: 'W', steps: [{ approvers: ['a'], mode: 'any' }], allowSelfApproval: false, version: 1, ...terms },
  status: 'approved',
  activeStep: 0,
  decisions: [{ step: 0, accountId: 'a', decision: 'approve', at: T }],
  submittedBy: 'b',
  submittedAt: T - DAY_MS,
  source: 'ui',
  decidedAt: T,
  version: 2,
});

describe('deriveReview', () => {
  const a = approved({ reviewPeriodDays: 90, reminderWindowDays: 14 });
  test.each([
    [0, 'current'],
    [76 * DAY_MS - 1, 'current'],
    [76 * DAY_MS, 'due'],
    [90 * DAY_MS - 1, 'due'],
    [90 * DAY_MS, 'expired'],
    [400 * DAY_MS, 'expired'],
  ])('%i ms after approval: %s', (offset, state) => {
    expect(deriveReview(a, T + offset)).toEqual({ reviewState: state, reviewDueAt: T + 90 * DAY_MS });
  });

  test('the window defaults to 14 days', () => {
    expect(reviewTermsOf({ reviewPeriodDays: 180 })).toEqual({ reviewPeriodDays: 180, reminderWindowDays: 14, remindAfterDays: null });
    expect(deriveReview(approved({ reviewPeriodDays: 180 }), T + 166 * DAY_MS).reviewState).toBe('due');
    expect(deriveReview(approved({ reviewPeriodDays: 180 }), T + 166 * DAY_MS - 1).reviewState).toBe('current');
  });

  test('no period, or not approved: no review state', () => {
    expect(deriveReview(approved({}), T + 999 * DAY_MS)).toEqual({ reviewState: null, reviewDueAt: null });
    expect(deriveReview({ ...a, status: 'rejected' }, T + 999 * DAY_MS)).toEqual({ reviewState: null, reviewDueAt: null });
    expect(deriveReview(undefined, T)).toEqual({ reviewState: null, reviewDueAt: null });
  });

  test('a step waits from the decision that completed the step before it', () => {
    const pending: PageApproval = { ...a, status: 'pending', activeStep: 1, decisions: [{ step: 0, accountId: 'a', decision: 'approve', at: T + 5 }] };
    expect(stepStartedAt(pending)).toBe(T + 5);
    expect(stepStartedAt({ ...pending, activeStep: 0, decisions: [] })).toBe(T - DAY_MS);
  });
});

describe('review state through the engine', () => {
  test('page status carries reviewState and reviewDueAt; a due page may be submitted again, a current one not', async () => {
    const env = await lifecycleSetup();
    const first = await env.engine.approvals.submitPage(ui(BOB), '2008', 'wf-recert');
    await env.engine.approvals.decide(ui(CAROL), first.id, 'approve');
    const status = await env.engine.approvals.pageStatus(ui(BOB), '2008');
    expect(status).toMatchObject({ state: 'approved', reviewState: 'current', reviewDueAt: status.latestApproval!.decidedAt! + 90 * DAY_MS });
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2008', 'wf-recert')).toMatchObject({ canSubmit: false, code: 'ALREADY_APPROVED' });

    env.advanceDays(80);
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2008')).reviewState).toBe('due');
    expect(await env.engine.approvals.preflightPage(ui(BOB), '2008', 'wf-recert')).toMatchObject({ canSubmit: true });
    const again = await env.engine.approvals.submitPage(ui(BOB), '2008', 'wf-recert');
    expect(await env.engine.approvals.pageStatus(ui(BOB), '2008')).toMatchObject({ state: 'in_approval', reviewState: null });
    const history = await env.engine.approvals.history(ui(BOB), '2008');
    expect(history.map((h) => h.id)).toEqual([again.id, first.id]);
  });
});
