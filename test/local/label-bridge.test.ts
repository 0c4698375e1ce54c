/**
 * The Automation label bridge (SPEC 3a) through the local runtime: resolvers as Custom UI calls them,
 * the async-event queue twin delivering `labels.sync`, and the local Confluence site answering the
 * label endpoints as the app, with Confluence's scope and edit-right rules.
 */
import { LOCAL_APP_USER } from '../../local/site';
import type { LocalRuntime } from '../../local/server';
import { invoke, startTestRuntime } from './helpers';

const PAGE = '2002';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime.close();
});

const space = { moduleKey: 'approvalflow-space', extension: { space: { id: '1001', key: 'ENG' } } };
const labels = () => [...(runtime.site.getPage(PAGE)!.labels ?? [])].sort();

it('a space admin maps states to labels; approval and rejection then relabel the page as the app, once the queue delivered the job', async () => {
  const saved = await invoke(runtime, 'acc-alice', { ...space, functionKey: 'automation.labels.save', payload: { labelOnState: { approved: 'af-approved', rejected: 'af-rejected' } } });
  expect(saved.body).toMatchObject({ success: true, version: 1 });
  // Confluence lets the app label only pages it may edit: a space admin grants the app user that in ENG
  runtime.site.getSpace('1001')!.permissions.push({ id: 'sp-app-edit', principal: { type: 'user', id: LOCAL_APP_USER.accountId }, operation: { key: 'create', targetType: 'page' } });
  runtime.site.changeLabels(PAGE, 'acc-alice', { add: ['customer-own'], remove: [] });

  const submitted = await invoke(runtime, 'acc-bob', { moduleKey: 'approvalflow-macro', functionKey: 'page.submit', payload: { pageId: PAGE }, extension: { content: { id: PAGE } } });
  expect(submitted.body).toMatchObject({ success: true });
  const decided = await invoke(runtime, 'acc-carol', { moduleKey: 'approvalflow-macro', functionKey: 'approval.decide', payload: { approvalId: submitted.body.approval.id, decision: 'reject', comment: 'Please add the rollback steps.' } });
  expect(decided.body).toMatchObject({ success: true });
  await runtime.app.idle();
  expect(labels()).toEqual(['af-rejected', 'customer-own']);

  const again = await invoke(runtime, 'acc-bob', { moduleKey: 'approvalflow-macro', functionKey: 'page.submit', payload: { pageId: PAGE }, extension: { content: { id: PAGE } } });
  await invoke(runtime, 'acc-carol', { moduleKey: 'approvalflow-macro', functionKey: 'approval.decide', payload: { approvalId: again.body.approval.id, decision: 'approve' } });
  await runtime.app.idle();
  expect(labels()).toEqual(['af-approved', 'customer-own']);
  expect(runtime.site.calls.byEndpoint['POST /wiki/rest/api/content/{id}/label']).toBeGreaterThan(0);
});
