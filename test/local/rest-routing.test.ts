/**
 * Audit A#1 (SPEC 2.2a "Resolution: explicit assignment (binding) → the enabled rule with the lowest
 * priority that matches → …"; "Labels and ancestors are read as the submitting user"). The REST API
 * reads a page's labels and ancestors as the caller by impersonation (docs/forge-platform.md U6), so
 * the manifest must allow impersonation on both scopes: through the local runtime's Forge bridge a
 * scope without `allowImpersonation` is refused as the Forge proxy refuses it, and routing then
 * answers ROUTING_INCOMPLETE for every page a rule should route.
 */
import type { LocalRuntime } from '../../local/server';
import { ALL_SCOPES, api, devToken, invoke, startTestRuntime } from './helpers';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime.close());

const DOCS = { moduleKey: 'approvalflow-space', extension: { space: { id: '1002', key: 'DOCS' } } };

it('REST preflight (page and change set), submit and status route a page by the rule its label matches', async () => {
  const rules = [{ priority: 5, match: { labelsAny: ['legal'] }, workflowId: 'wf-docs-legal', enabled: true }];
  const saved = await invoke(runtime, 'acc-alice', { ...DOCS, functionKey: 'routing.rules.save', payload: { spaceId: '1002', rules } });
  expect(saved.body).toMatchObject({ success: true });
  const ruleId = saved.body.rules[0].id as string;
  const labelled = await fetch(`${runtime.url}/local/pages/3003/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ add: ['legal'] }) });
  expect(labelled.status).toBe(200);
  const bob = devToken(runtime, ALL_SCOPES, 'acc-bob');
  const routed = { workflowId: 'wf-docs-legal', routedBy: { kind: 'rule', ruleId } };

  expect((await api(runtime, 'POST', '/pages/preflight', bob, { pageId: '3003' })).body).toMatchObject({ success: true, canSubmit: true, ...routed });
  const set = await api(runtime, 'POST', '/changeSets/create', bob, { spaceId: '1002', title: 'Legal review', pageRefs: [{ pageId: '3003' }] });
  expect(set.status).toBe(201);
  const setPreflight = await api(runtime, 'POST', '/changeSets/preflight', bob, { changeSetId: set.body.changeSet.id });
  expect(setPreflight.body).toMatchObject({ success: true, summary: { submittable: 1, blocked: 0 }, results: [{ pageId: '3003', canSubmit: true, workflowId: 'wf-docs-legal' }] });

  const submitted = await api(runtime, 'POST', '/pages/submit', bob, { pageId: '3003' });
  expect([submitted.status, submitted.body]).toEqual([201, expect.objectContaining({ success: true, status: 'pending', ...routed })]);
  expect((await api(runtime, 'GET', '/pages/status?pageId=3003', bob)).body).toMatchObject({ success: true, pending: { approval: { id: submitted.body.approvalId } }, routedBy: routed.routedBy });
});
