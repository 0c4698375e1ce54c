/**
 * The daily job over the real engine and the local site: review notices when a page becomes due and
 * when it expires, reminders and escalation for pending approvals, nothing twice, nothing when
 * nothing is due.
 */
import { CountingStore } from '../../src/adapters/store/counting-store';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { deriveReview } from '../../src/core/domain/review';
import { runDailyJob } from '../../src/core/lifecycle/daily-job';
import { keys } from '../../src/core/services/keys';
import { pageStateSchema } from '../../src/core/domain/schemas';
import { ALICE, BOB, CAROL, DAVE, ERIN, ui } from '../engine/helpers';
import { DAY_MS, lifecycleSetup } from './support';
import type { LifecycleEnv } from './support';

const mentions = (body: string): string[] => [...body.matchAll(/ri:account-id="([^"]+)"/g)].map((m) => m[1]).sort();

async function latest(env: LifecycleEnv, pageId: string) {
  const item = await env.store.get(keys.pageState(pageId));
  return item ? pageStateSchema.parse(item.value) : undefined;
}

describe('recertification notices', () => {
  test('current, then due after 77 days (one notice), then expired after 90 (one more); repeated runs post nothing', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-recert');
    env.tick();
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    const approvedAt = (await latest(env, '2001'))!.decidedAt!;
    const before = env.comments('2001').length;

    env.advanceDays(1);
    expect(deriveReview(await latest(env, '2001'), env.deps.clock.now())).toEqual({ reviewState: 'current', reviewDueAt: approvedAt + 90 * DAY_MS });
    expect((await env.run()).processed).toBe(0);

    env.advanceDays(76); // day 77
    expect(deriveReview(await latest(env, '2001'), env.deps.clock.now()).reviewState).toBe('due');
    const first = await env.run();
    expect(first).toMatchObject({ processed: 1, posted: 1 });
    const afterDue = env.comments('2001').slice(before);
    expect(afterDue).toHaveLength(1);
    expect(afterDue[0].body).toContain('Review due');
    expect(mentions(afterDue[0].body)).toEqual([BOB, CAROL, DAVE].sort());
    expect((await env.run()).processed).toBe(0);
    expect(env.comments('2001').slice(before)).toHaveLength(1);

    env.advanceDays(13); // day 90
    expect(deriveReview(await latest(env, '2001'), env.deps.clock.now()).reviewState).toBe('expired');
    expect((await env.run()).posted).toBe(1);
    expect((await env.run()).posted).toBe(0);
    env.advanceDays(30);
    expect((await env.run()).posted).toBe(0);
    const notices = env.comments('2001').slice(before);
    expect(notices.map((c) => c.body.includes('Review expired'))).toEqual([false, true]);

    const records = await env.auditRecords();
    expect(records.filter((r) => r.action === 'review.due' && r.pageId === '2001')).toHaveLength(1);
    expect(records.filter((r) => r.action === 'review.expired' && r.pageId === '2001')).toHaveLength(1);
    expect((await env.audit.verify()).ok).toBe(true);
  });

  test('a run that first sees the page after expiry posts only the expiry notice', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2002', 'wf-recert');
    await env.engine.approvals.decide(ui(DAVE), approval.id, 'approve');
    const before = env.comments('2002').length;
    env.advanceDays(95);
    expect(await env.run()).toMatchObject({ processed: 1, dropped: 1 });
    const notices = env.comments('2002').slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0].body).toContain('Review expired');
  });

  test('a resubmitted page is no longer chased for its old cycle', async () => {
    const env = await lifecycleSetup();
    const first = await env.engine.approvals.submitPage(ui(BOB), '2003', 'wf-recert');
    await env.engine.approvals.decide(ui(CAROL), first.id, 'approve');
    await env.site.editPage('2003', { accountId: BOB, body: '<p>edited</p>' });
    await env.engine.approvals.submitPage(ui(BOB), '2003', 'wf-recert');
    const before = env.comments('2003').length;
    env.advanceDays(100);
    expect(await env.run()).toMatchObject({ processed: 0, dropped: 2 });
    expect(env.comments('2003')).toHaveLength(before);
  });

  test('a due entry of an older approval reads no whole approval for the page (its state names a newer one)', async () => {
    const read: string[] = [];
    const env = await lifecycleSetup({
      wrap: (s) => {
        const watching = Object.create(s) as typeof s;
        watching.getEntities = (entity, ids) => (read.push(...ids), s.getEntities(entity, ids));
        return watching;
      },
    });
    const first = await env.engine.approvals.submitPage(ui(BOB), '2003', 'wf-recert');
    await env.engine.approvals.decide(ui(CAROL), first.id, 'approve');
    await env.site.editPage('2003', { accountId: BOB, body: '<p>edited</p>' });
    const second = await env.engine.approvals.submitPage(ui(BOB), '2003', 'wf-recert');
    env.advanceDays(100);
    read.length = 0;
    expect(await env.run()).toMatchObject({ processed: 0, dropped: 2 });
    expect(read).not.toContain(second.id);
  });

  test('approvals decided before the workflow had a review period are never due', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2004', 'wf-eng-review'); // no review period
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    env.advanceDays(400);
    expect(deriveReview(await latest(env, '2004'), env.deps.clock.now())).toEqual({ reviewState: null, reviewDueAt: null });
    expect((await env.run()).processed).toBe(0);
  });
});

describe('reminders for pending approvals', () => {
  test('every remindAfterDays a reply @mentions who has not decided; the fourth escalates to the space admins', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
    const submission = env.comments('2005').at(-1)!;
    env.advanceDays(1);
    expect((await env.run()).processed).toBe(0);

    env.advanceDays(1); // day 2
    expect((await env.run()).posted).toBe(1);
    const reminders = () => env.comments('2005').filter((c) => c.parentCommentId === submission.id && c.body.includes('Reminder'));
    let replies = reminders();
    expect(replies).toHaveLength(1);
    expect(mentions(replies[0].body)).toEqual([CAROL, DAVE].sort());

    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve'); // "all": Dave still to decide
    env.advanceDays(2); // day 4
    expect((await env.run()).posted).toBe(1);
    expect((await env.run()).posted).toBe(0);
    env.advanceDays(2); // day 6
    await env.run();
    replies = reminders();
    expect(replies.map((r) => mentions(r.body))).toEqual([[CAROL, DAVE].sort(), [DAVE], [DAVE]]);

    env.advanceDays(2); // day 8: fourth reminder = escalation
    await env.run();
    replies = reminders();
    expect(replies).toHaveLength(4);
    expect(replies[3].body).toContain('Escalated to the space admins');
    expect(mentions(replies[3].body)).toEqual([ALICE, DAVE].sort());
    const sent = (await env.auditRecords()).filter((r) => r.action === 'reminder.sent');
    expect(sent.map((r) => r.details.reminder)).toEqual([1, 2, 3, 4]);
    expect(sent.map((r) => r.details.escalated ?? false)).toEqual([false, false, false, true]);

    await env.engine.approvals.decide(ui(DAVE), approval.id, 'approve');
    env.advanceDays(10);
    expect(await env.run()).toMatchObject({ processed: 0, dropped: 1 });
  });

  test('a reminder keeps the approvers the page was submitted to when the submitter edits the workflow afterwards', async () => {
    const env = await lifecycleSetup();
    await env.engine.workflows.update(ui(ALICE), 'wf-remind', { owners: [ALICE, BOB] });
    await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
    env.advanceDays(1);
    // Bob, an owner, swaps the approvers for his friend after submitting: the pending approval keeps its terms
    await env.engine.workflows.update(ui(BOB), 'wf-remind', { steps: [{ name: 'Friendly', approvers: [ERIN], mode: 'any' }] });
    env.advanceDays(1);
    await env.run();
    const reminder = () => env.comments('2005').filter((c) => c.body.includes('Reminder')).at(-1)!;
    expect(mentions(reminder().body)).toEqual([CAROL, DAVE].sort());
    expect((await env.engine.approvals.history(ui(BOB), '2005'))[0].workflowSnapshot.steps[0].approvers).toEqual([CAROL, DAVE]);
  });

  test('a step that moves on starts its own count; the reminder of the step before is dropped', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2004', 'wf-remind2');
    env.advanceDays(2);
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve'); // step 2 starts on day 2
    env.advanceDays(1); // day 3: step 1's first reminder was due
    expect(await env.run()).toMatchObject({ processed: 0, dropped: 1 });
    env.advanceDays(2); // day 5 = step 2 start + 3
    expect((await env.run()).posted).toBe(1);
    const reminder = env.comments('2004').filter((c) => c.body.includes('Reminder')).at(-1)!;
    expect(reminder.body).toContain('step 2 (Sign-off)');
    expect(mentions(reminder.body)).toEqual([DAVE]);
  });

  test('after an outage a run posts one reminder and the next stays on schedule', async () => {
    const env = await lifecycleSetup();
    await env.engine.approvals.submitPage(ui(BOB), '2006', 'wf-remind');
    const before = env.comments('2006').length;
    env.advanceDays(7); // reminders were due on days 2, 4, 6
    expect((await env.run()).posted).toBe(1);
    expect(env.comments('2006')).toHaveLength(before + 1);
    env.advanceDays(0.5);
    expect((await env.run()).posted).toBe(0);
    env.advanceDays(1); // day 8.5
    expect((await env.run()).posted).toBe(1);
  });
});

describe('the approver-index back-fill', () => {
  test('a back-fill that cannot start (corrupt state item) never stops the reminders; only its error code is logged', async () => {
    const env = await lifecycleSetup();
    await env.engine.approvals.submitPage(ui(BOB), '2006', 'wf-remind');
    await env.store.transact([{ op: 'put', key: keys.approvalIndexBackfill, value: { status: 'half-done' } }]);
    const logged: [string, Record<string, unknown>][] = [];
    const ctx = { ...env.ctx, log: (message: string, fields: Record<string, unknown>) => void logged.push([message, fields]) };
    env.advanceDays(2);
    expect(await runDailyJob.execute(ctx, { deadline: env.deps.clock.now() + 60_000 })).toMatchObject({ processed: 1, posted: 1 });
    expect(env.comments('2006').filter((c) => c.body.includes('Reminder'))).toHaveLength(1);
    expect(logged).toEqual([['approver-index back-fill not started; the next run tries again', { code: 'CORRUPT_RECORD' }]]);
  });
});

describe('cost', () => {
  test('a run with nothing due reads a handful of keys, writes nothing and calls Confluence not at all', async () => {
    let counting: CountingStore | undefined;
    const env = await lifecycleSetup({ wrap: (s) => (counting = new CountingStore(s)) });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2007', 'wf-recert');
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    env.advanceDays(10);
    counting!.reset();
    const calls = env.site.calls.total;
    await env.run();
    const { transact, query, get, getMany } = counting!.counts;
    expect(transact).toBe(0);
    // three due-index probes, the refusal counts to flush (issue 25 finding 3) and the stuck-approval scan
    // listing the spaces with workflows (no approval is pending here)
    expect({ query, reads: get + getMany }).toEqual({ query: 5, reads: expect.any(Number) as number });
    // + the back-fill's state, which says it is done
    expect(get + getMany).toBeLessThanOrEqual(5);
    expect(env.site.calls.total).toBe(calls);
  });
});

describe('one run at a time', () => {
  test('a run while another holds the lease does nothing; once the lease expires the work is done once', async () => {
    const env = await lifecycleSetup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2009', 'wf-recert');
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    env.advanceDays(80);
    const now = env.deps.clock.now();
    await env.store.transact([{ op: 'put', key: 'lc-lease', value: { runId: 'other', until: now + 60_000 } }]);
    expect(await env.run()).toMatchObject({ skipped: true, processed: 0 });
    env.tick(61_000);
    expect(await env.run()).toMatchObject({ processed: 1, posted: 1 });
    expect((await env.store.get('lc-lease'))).toBeUndefined();
  });
});

describe('the daily run while index queries lag (docs/forge-platform.md U22)', () => {
  test('walks the due entries once: the entries its tasks deleted a moment ago, still listed, are not handled again', async () => {
    let lagging!: EventualIndexStore;
    let queries = 0;
    let onQuery = () => {};
    const env = await lifecycleSetup({
      wrap: (store) => {
        lagging = new EventualIndexStore(store);
        const query = lagging.query.bind(lagging);
        lagging.query = (options) => (onQuery(), query(options));
        return lagging;
      },
    });
    for (const pageId of ['2005', '2006', '2007']) await env.engine.approvals.submitPage(ui(BOB), pageId, 'wf-remind');
    env.advanceDays(2);
    lagging.settle();
    // each listing now takes 20 s of the run's 10-minute deadline, so a run that keeps re-reading stops there
    onQuery = () => void (queries++, env.tick(20_000));
    expect(await env.run({ chunkSize: 1 })).toMatchObject({ processed: 3, posted: 3, more: false });
    expect(queries).toBeLessThan(20);
    expect((await env.auditRecords()).filter((r) => r.action === 'reminder.sent')).toHaveLength(3);
  });
});
