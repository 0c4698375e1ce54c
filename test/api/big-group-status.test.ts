/**
 * Issue 23 item 5 over REST: GET /pages/status of a page pending in a step of a 10,050-member
 * Confluence group answers (it failed with CONFLUENCE_ERROR when groups were listed to the end),
 * names 50 waiting people and says there are more, in the documented (OpenAPI) shape.
 */
import { createRealApi } from './real-app';
import { call, type CallOptions, type CallResult } from './helpers';
import { assertMatchesOpenApi } from './openapi-validator';
import type { ApiRouteKey } from '../../src/transport/api/routes';

const CROWD = Array.from({ length: 10_050 }, (_, i) => `acc-crowd-${i}`);

it('a big group step: status names 50 waiting people, says there are more and counts every approval', async () => {
  const app = await createRealApi();
  const api = async (key: ApiRouteKey, options: CallOptions = {}): Promise<CallResult> => {
    const res = await call(app.handlers, key, options);
    assertMatchesOpenApi(key, res);
    return res;
  };
  app.site.users.push(...CROWD.map((accountId) => ({ accountId, displayName: accountId, email: `${accountId}@example.com` })));
  app.site.getGroup('grp-eng-reviewers')!.members.push(...CROWD);
  await app.engine.workflows.update({ accountId: 'acc-alice', source: 'ui' }, 'wf-eng-review', {
    steps: [{ groups: [{ key: 'crowd', name: 'Crowd', approvers: ['group:grp-eng-reviewers'], required: 2 }] }],
  });
  const submitted = await api('page-submit', { body: { pageId: '2001' } });
  expect(submitted.status).toBe(201);
  await app.engine.approvals.decide({ accountId: 'acc-crowd-10049', source: 'ui' }, submitted.json.approvalId, 'approve');

  const status = await api('page-status', { query: { pageId: '2001' } });
  expect(status.status).toBe(200);
  const pending = status.json.pending as { approversMore?: boolean; groups: { approvedBy: string[]; waitingFor: string[]; waitingForMore?: boolean; waitingForCount?: number }[] };
  expect(pending.approversMore).toBe(true);
  expect(pending.groups[0]).toMatchObject({ approvedBy: ['acc-crowd-10049'], waitingForMore: true });
  expect(pending.groups[0].waitingFor).toHaveLength(50);
  expect(pending.groups[0].waitingForCount).toBeUndefined();
});
