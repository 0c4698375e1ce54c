/**
 * Delegation in what people read (SPEC 2.3b): the submission comment, decision replies and reminders
 * @mention who can act. A `replace` delegate stands in the waiting list instead of the person who is
 * away, an `add` delegate beside them, and the comment says so once ("… is away until …; … covers").
 */
import { ALICE, BOB, CAROL, DAVE, ERIN, ui } from '../engine/helpers';
import { DAY_MS, lifecycleSetup } from './support';
import type { LifecycleEnv } from './support';

const mentions = (body: string): string[] => [...body.matchAll(/ri:account-id="([^"]+)"/g)].map((m) => m[1]).sort();
const paragraph = (body: string, starts: string): string => body.split('</p>').find((p) => p.includes(starts)) ?? '';

async function delegate(env: LifecycleEnv, from: string, to: string, mode: 'add' | 'replace'): Promise<string> {
  const now = env.deps.clock.now();
  const endsAt = new Date(now + 10 * DAY_MS).toISOString();
  await env.engine.delegations.create(ui(from), { delegateAccountId: to, startsAt: new Date(now).toISOString(), endsAt, mode });
  return endsAt;
}

const untilDay = (iso: string): string => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

describe('delegation in comments and reminders', () => {
  test('replace: the submission comment and reminders name the delegate instead of the person away, and say why', async () => {
    const env = await lifecycleSetup();
    const endsAt = await delegate(env, CAROL, ERIN, 'replace');
    await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
    const submission = env.comments('2005').at(-1)!;
    expect(mentions(paragraph(submission.body, 'Approvers:'))).toEqual([DAVE, ERIN].sort());
    expect(submission.body).toContain(`is away until ${untilDay(endsAt)}`);
    expect(mentions(paragraph(submission.body, 'is away until'))).toEqual([CAROL, ERIN].sort());

    env.advanceDays(2);
    expect((await env.run()).posted).toBe(1);
    const reminder = env.comments('2005').find((c) => c.parentCommentId === submission.id && c.body.includes('Reminder'))!;
    expect(mentions(paragraph(reminder.body, 'Waiting for:'))).toEqual([DAVE, ERIN].sort());
    expect(reminder.body).toContain('is away until');
    const sent = (await env.auditRecords()).find((r) => r.action === 'reminder.sent');
    expect(sent?.details.notified).toEqual([ERIN, DAVE]);
  });

  test('add: the delegate is @mentioned beside the person; the decision reply names both for who is still waited for', async () => {
    const env = await lifecycleSetup();
    await delegate(env, DAVE, ALICE, 'add');
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
    expect(mentions(paragraph(env.comments('2005').at(-1)!.body, 'Approvers:'))).toEqual([ALICE, CAROL, DAVE].sort());
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    const reply = env.comments('2005').at(-1)!;
    expect(reply.parentCommentId).not.toBeNull();
    expect(reply.body).toContain('also covers');
    env.advanceDays(2);
    await env.run();
    const reminder = env.comments('2005').at(-1)!;
    expect(mentions(paragraph(reminder.body, 'Waiting for:'))).toEqual([ALICE, DAVE].sort());
  });

  test('without delegations nothing changes: no cover sentence', async () => {
    const env = await lifecycleSetup();
    await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
    const body = env.comments('2005').at(-1)!.body;
    expect(mentions(paragraph(body, 'Approvers:'))).toEqual([CAROL, DAVE].sort());
    expect(body).not.toContain('away until');
  });
});

describe('delegation in the page status', () => {
  test('replace: the pending step waits for the delegate, not the person away; add: for both', async () => {
    const env = await lifecycleSetup();
    await delegate(env, CAROL, ERIN, 'replace');
    await delegate(env, DAVE, ALICE, 'add');
    await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
    const pending = (await env.engine.approvals.pageStatus(ui(BOB), '2005')).pending;
    expect(pending?.groups.map((g) => g.waitingFor)).toEqual([[ERIN, DAVE, ALICE]]);
  });
});
