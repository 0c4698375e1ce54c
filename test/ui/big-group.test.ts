/**
 * Issue 23 item 5 through the resolvers: a step of a 10,050-member Confluence group answers
 * page.status and queue.list with at most 50 waiting names per group and
 * `waitingForMore` (the panel, queue and set review render "and more" from it).
 */
import { createResolverApp, type ResolverApp } from '../security/resolver-app';

const CROWD = Array.from({ length: 10_050 }, (_, i) => `acc-crowd-${i}`);

async function bigGroupApp(): Promise<ResolverApp> {
  const app = await createResolverApp();
  app.site.users.push(...CROWD.map((accountId) => ({ accountId, displayName: accountId, email: `${accountId}@example.com` })));
  app.site.getGroup('grp-eng-reviewers')!.members.push(...CROWD);
  const saved = await app.invoke('acc-alice', 'workflow.update', {
    workflowId: 'wf-eng-review',
    steps: [{ groups: [{ key: 'crowd', name: 'Crowd', approvers: ['group:grp-eng-reviewers'], required: 2 }] }],
  });
  expect(saved.success).toBe(true);
  return app;
}

test('page.status and queue.list name 50 waiting people and say there are more', async () => {
  const app = await bigGroupApp();
  const submitted = await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' });
  expect(submitted.success).toBe(true);
  expect((await app.invoke('acc-carol', 'approval.decide', { approvalId: submitted.approval.id, decision: 'approve' })).approval.status).toBe('pending');

  const status = await app.invoke('acc-bob', 'page.status', {}, { pageId: '2001' });
  const [crowd] = status.status.pending.groups;
  expect(crowd).toMatchObject({ key: 'crowd', required: 2, approvedBy: ['acc-carol'], waitingForMore: true });
  expect(crowd.waitingFor).toHaveLength(50);
  expect(status.status.pending.approversMore).toBe(true);

  const queue = await app.invoke('acc-dave', 'queue.list', { mine: true }, { spaceId: '1001' });
  expect(queue.approvals).toHaveLength(1);
  expect(queue.approvals[0].groups[0]).toMatchObject({ approvedBy: ['acc-carol'], waitingForMore: true });
});
