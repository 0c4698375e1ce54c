/** Review state (SPEC 2.7): the pure derivation at its boundaries, and what page status and preflight make of it. */
import type { PageApproval } from '../../src/core/domain/model';
import { deriveReview, reviewTermsOf } from '../../src/core/domain/review';
import { DAY_MS } from '../../src/core/domain/time';
import { stepStartedAt } from '../../src/core/domain/review';
import { BOB, CAROL, ui } from '../engine/helpers';
import { reviewCounts, reviewQueue } from '../../src/core/lifecycle/review-queue';
import { lifecycleSetup, whileReader } from './support';

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

describe('the "due or expired" queue', () => {
  test('lists due and expired pages of the space the caller can read, soonest first; current and superseded ones are left out', async () => {
    const env = await lifecycleSetup();
    const approve = async (pageId: string) => {
      const a = await env.engine.approvals.submitPage(ui(BOB), pageId, 'wf-recert');
      await whileReader(env, pageId, CAROL, () => env.engine.approvals.decide(ui(CAROL), a.id, 'approve'));
      return a;
    };
    const first = await approve('2001');
    env.advanceDays(10);
    await approve('2002');
    await approve('2012'); // restricted to alice and bob
    env.advanceDays(5);
    await approve('2003'); // will still be current
    env.advanceDays(80); // 2001: day 95 (expired), 2002/2012: day 85 (due), 2003: day 80 (due)
    const queue = await reviewQueue.execute(env.ctx, ui(CAROL), '1001', {});
    expect(queue.items.map((i) => [i.pageId, i.reviewState])).toEqual([['2001', 'expired'], ['2002', 'due'], ['2003', 'due']]);
    expect(queue.items[0]).toMatchObject({ approvalId: first.id, workflowName: 'Recertified', title: 'Architecture overview' });
    expect((await reviewQueue.execute(env.ctx, ui(BOB), '1001', {})).items.map((i) => i.pageId)).toEqual(['2001', '2002', '2012', '2003']);
    // recertifying is offered to whoever may request approval of the page (editors), as submit decides
    expect(queue.items.map((i) => i.canRequest)).toEqual([false, false, false]);
    const bobs = (await reviewQueue.execute(env.ctx, ui(BOB), '1001', {})).items;
    expect(bobs.filter((i) => ['2001', '2002', '2003'].includes(i.pageId)).map((i) => i.canRequest)).toEqual([true, true, true]);
    expect(await reviewCounts.execute(env.ctx, ui(CAROL), '1001')).toEqual({ due: 2, expired: 1, complete: true });
    // the analytics workflow filter: only pages approved under that workflow count
    expect(await reviewCounts.execute(env.ctx, ui(CAROL), '1001', { workflowId: 'wf-recert' })).toEqual({ due: 2, expired: 1, complete: true });
    expect(await reviewCounts.execute(env.ctx, ui(CAROL), '1001', { workflowId: 'wf-eng-review' })).toEqual({ due: 0, expired: 0, complete: true });

    await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-recert'); // re-review started
    // 2001's entry is superseded: the page reads on to the next row rather than answering empty with a cursor
    const paged = await reviewQueue.execute(env.ctx, ui(CAROL), '1001', { limit: 1 });
    expect(paged.items.map((i) => i.pageId)).toEqual(['2002']);
    const next = await reviewQueue.execute(env.ctx, ui(CAROL), '1001', { limit: 1, cursor: paged.nextCursor });
    expect(next.items.map((i) => i.pageId)).toEqual(['2003']);
  });
});
