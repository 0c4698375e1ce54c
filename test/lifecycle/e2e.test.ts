/**
 * Issue 11 "Done when", through the local runtime only (REST, resolvers, /local/clock,
 * /local/scheduled/run, the site's Confluence REST for reading comments): recertification notices,
 * reminders with escalation, nothing twice on a repeated run, clear assignment, a purge after 366
 * days that leaves a verifying chain, and the licence switch.
 */
import type { LocalRuntime } from '../../local/server';
import { ALL_SCOPES, api, devToken, invoke, startTestRuntime } from '../local/helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime.close();
});

const post = async (path: string, body?: unknown): Promise<Json> => {
  const res = await fetch(`${runtime.url}${path}`, { method: path === '/local/site/license' ? 'PUT' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
};
const nextDay = async (): Promise<Json> => {
  await post('/local/clock', { advanceDays: 1 });
  return post('/local/scheduled/run');
};
const resolver = async (accountId: string, moduleKey: string, functionKey: string, payload: Json, extension: Json = { space: { id: '1001', key: 'ENG' } }): Promise<Json> => {
  const res = await invoke(runtime, accountId, { moduleKey, functionKey, payload, extension });
  return res.body as Json;
};
const SPACE = 'approvalflow-space';
const MACRO = 'approvalflow-macro';
const ADMIN = 'approvalflow-admin';
/** Footer comments of a page and their replies, as Bob sees them on the site. */
async function comments(pageId: string): Promise<{ id: string; parent: string | null; body: string }[]> {
  const get = async (path: string) => ((await (await fetch(`${runtime.url}${path}`, { headers: { cookie: 'af_user=acc-bob' } })).json()) as Json).results as Json[];
  const top = await get(`/wiki/api/v2/pages/${pageId}/footer-comments?body-format=storage&limit=250`);
  const out: { id: string; parent: string | null; body: string }[] = [];
  for (const c of top) {
    out.push({ id: c.id, parent: null, body: c.body.storage.value });
    for (const r of await get(`/wiki/api/v2/footer-comments/${c.id}/children?body-format=storage&limit=250`)) out.push({ id: r.id, parent: c.id, body: r.body.storage.value });
  }
  return out;
}
/** A fresh token for Bob: tokens live 1 h of the runtime's clock, which these tests move by days. */
const bob = () => devToken(runtime, ALL_SCOPES, 'acc-bob');
const mentions = (body: string) => [...body.matchAll(/ri:account-id="([^"]+)"/g)].map((m) => m[1]).sort();

test('recertification, reminders, escalation, clear assignment and a verifying purge, through the runtime', async () => {
  const update = await resolver('acc-alice', SPACE, 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: 90, reminderWindowDays: 14, remindAfterDays: 2 });
  expect(update).toMatchObject({ success: true, workflow: { reviewPeriodDays: 90, reminderWindowDays: 14, remindAfterDays: 2 } });

  const first = await api(runtime, 'POST', '/pages/submit', bob(), { pageId: '2001' });
  expect(first.status).toBe(201);
  expect(await resolver('acc-carol', MACRO, 'approval.decide', { approvalId: first.body.approvalId, decision: 'approve' }, { content: { id: '2001' }, space: { id: '1001' } })).toMatchObject({ success: true });
  const pending = await api(runtime, 'POST', '/pages/submit', bob(), { pageId: '2002' });
  expect(pending.status).toBe(201);
  const status = async (pageId: string) => (await api(runtime, 'GET', `/pages/status?pageId=${pageId}`, bob())).body as Json;
  const approved = await status('2001');
  expect(approved).toMatchObject({ state: 'approved', reviewState: 'current' });
  expect(approved.reviewDueAt).toBe(approved.latestApproval.decidedAt + 90 * 86_400_000);
  const baseline = (await comments('2001')).length;
  const submission = (await comments('2002')).find((c) => c.parent === null && /approval requested/i.test(c.body))!;
  const reminders = async () => (await comments('2002')).filter((c) => c.parent === submission.id && c.body.includes('Reminder'));

  // pending approval, remindAfterDays 2: reminders on days 2, 4, 6; the 4th (day 8) escalates to the space admins
  const seen: number[] = [];
  for (let day = 1; day <= 9; day++) {
    await nextDay();
    seen.push((await reminders()).length);
  }
  expect(seen).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4]);
  const sent = await reminders();
  expect(sent.slice(0, 3).map((r) => mentions(r.body))).toEqual([['acc-carol', 'acc-dave'], ['acc-carol', 'acc-dave'], ['acc-carol', 'acc-dave']]);
  expect(sent[3].body).toContain('Escalated to the space admins');
  expect(mentions(sent[3].body)).toContain('acc-alice');
  expect(await resolver('acc-dave', MACRO, 'approval.decide', { approvalId: pending.body.approvalId, decision: 'approve' }, { content: { id: '2002' }, space: { id: '1001' } })).toMatchObject({ success: true });

  // the approved page: current until day 76, due from day 76 (one notice), expired from day 90 (one more)
  for (let day = 10; day <= 75; day++) await nextDay();
  expect((await status('2001')).reviewState).toBe('current');
  expect(await comments('2001')).toHaveLength(baseline);
  await nextDay(); // day 76
  await nextDay(); // day 77
  expect((await status('2001')).reviewState).toBe('due');
  let notices = (await comments('2001')).slice(baseline);
  expect(notices).toHaveLength(1);
  expect(notices[0].body).toContain('Review due');
  expect(mentions(notices[0].body)).toEqual(['acc-bob', 'acc-carol', 'acc-dave']);
  for (let day = 78; day <= 90; day++) await nextDay();
  expect((await status('2001')).reviewState).toBe('expired');
  notices = (await comments('2001')).slice(baseline);
  expect(notices.map((c) => (c.body.includes('Review expired') ? 'expired' : 'due'))).toEqual(['due', 'expired']);
  await post('/local/scheduled/run');
  await post('/local/scheduled/run');
  expect((await comments('2001')).slice(baseline)).toHaveLength(2);
  expect((await comments('2002')).filter((c) => c.body.includes('Reminder'))).toHaveLength(4);

  // clear assignment: the page goes back to draft, its history stays
  expect(await resolver('acc-alice', SPACE, 'assignment.set', { pageId: '2003', workflowId: 'wf-eng-review' })).toMatchObject({ success: true });
  const third = await api(runtime, 'POST', '/pages/submit', bob(), { pageId: '2003' });
  expect(third.status).toBe(201);
  expect(await resolver('acc-alice', SPACE, 'manage.clearAssignment', { pageId: '2003' })).toMatchObject({ success: true });
  expect(await status('2003')).toMatchObject({ state: 'draft', reviewState: null });
  const history = await resolver('acc-bob', MACRO, 'page.history', { pageId: '2003' }, { content: { id: '2003' }, space: { id: '1001' } });
  expect(history.approvals.map((a: Json) => [a.id, a.status])).toEqual([[third.body.approvalId, 'cancelled']]);

  // a purge after 366 days leaves a verifying chain
  await post('/local/clock', { advanceDays: 276 }); // day 366
  await post('/local/scheduled/run');
  const verify = await resolver('acc-alice', ADMIN, 'audit.verify', {}, {});
  expect(verify).toMatchObject({ success: true, ok: true });
  const purged = await resolver('acc-alice', ADMIN, 'audit.list', { action: 'audit.purged' }, {});
  expect(purged.records).toHaveLength(1);
  const retention = await resolver('acc-alice', ADMIN, 'retention.get', {}, {});
  expect(retention.lastRun).toMatchObject({ auditRecordsPurged: expect.any(Number) });
});

test('with the licence off the scheduled run and the resolvers refuse; nothing is posted', async () => {
  await post('/local/site/license', { active: false });
  try {
    const before = (await comments('2004')).length;
    const run = await post('/local/scheduled/run');
    // filter.appIsLicensed: the platform (and the runtime) skips every scheduled trigger
    expect(run.ran).toEqual([
      { key: 'lifecycle-daily-trigger', function: 'lifecycle-daily', outcome: 'skipped-unlicensed' },
      { key: 'audit-sequencer-trigger', function: 'audit-sequencer', outcome: 'skipped-unlicensed' },
      { key: 'audit-checkpoint-trigger', function: 'audit-checkpoint', outcome: 'skipped-unlicensed' },
    ]);
    expect(await resolver('acc-alice', ADMIN, 'retention.get', {}, {})).toMatchObject({ success: false, code: 'LICENSE_INACTIVE' });
    expect((await comments('2004')).length).toBe(before);
  } finally {
    await post('/local/site/license', { active: true });
  }
});
