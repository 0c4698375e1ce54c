/**
 * Audit A#8 as the auditor met it on the local runtime (SPEC 2.4a): an approved page the app cannot
 * read (2012, restricted to alice and bob) is edited; its staleness transition is audited (HASH_UNAVAILABLE:
 * the job runs as the app) and reaches the REST event feed, as an unrestricted page's does.
 */
import type { LocalRuntime } from '../../local/server';
import { api, devToken, invoke, startTestRuntime } from './helpers';

const PAGE = '2012';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime.close();
});

const space = { moduleKey: 'approvalflow-space', extension: { space: { id: '1001', key: 'ENG' } } };
const onPage = (functionKey: string, payload: Record<string, unknown>) => ({ moduleKey: 'approvalflow-macro', functionKey, payload, extension: { content: { id: PAGE } } });

it('an edit of an approved restricted page records approval.stale (HASH_UNAVAILABLE) and the feed lists it', async () => {
  // the approver must be able to view the page (an approver who cannot is refused like a stranger: audit A#5)
  const workflow = await invoke(runtime, 'acc-alice', {
    ...space,
    functionKey: 'workflow.create',
    payload: { spaceId: '1001', name: 'Restricted review', steps: [{ approvers: ['acc-alice'], mode: 'any' }], stalenessPolicy: 'content_change' },
  });
  expect(workflow.body).toMatchObject({ success: true });
  const submitted = await invoke(runtime, 'acc-bob', onPage('page.submit', { pageId: PAGE, workflowId: workflow.body.workflow.id }));
  expect(submitted.body).toMatchObject({ success: true });
  const decided = await invoke(runtime, 'acc-alice', onPage('approval.decide', { approvalId: submitted.body.approval.id, decision: 'approve' }));
  expect(decided.body).toMatchObject({ success: true, approval: { status: 'approved' } });

  const edit = await fetch(`${runtime.url}/local/pages/${PAGE}/edit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: 'acc-bob', body: '<p>Changed after approval.</p>' }) });
  expect(edit.status).toBe(200);
  await runtime.app.idle();

  const token = devToken(runtime, ['read:forge-app:confluence', 'read:approval:custom', 'read:event:custom'], 'acc-bob');
  const status = await api(runtime, 'GET', `/pages/status?pageId=${PAGE}`, token);
  // bob reads the page: the content changed; the page-updated job (as the app, which cannot read it) failed closed
  expect(status.body).toMatchObject({ isStale: true, staleness: { stale: true } });
  runtime.settleIndexes(); // the audit trail may lag its writes (strict profile)
  const feed = await api(runtime, 'GET', '/events?types=approval.stale', token);
  expect(feed.status).toBe(200);
  expect(feed.body.events.filter((e: { pageId?: string }) => e.pageId === PAGE)).toEqual([
    expect.objectContaining({ type: 'approval.stale', approvalId: submitted.body.approval.id, data: expect.objectContaining({ reason: 'HASH_UNAVAILABLE' }) }),
  ]);
});
