/**
 * Issue 23 item 5: the daily run's reminders for a step of a 10,050-member Confluence group (more
 * than a full listing may follow) are posted, @mentioning the first 50 people and "and others".
 */
import { ALICE, BOB, ui } from '../engine/helpers';
import { lifecycleSetup } from './support';
import { NAMED_PER_GROUP } from '../../src/core/domain/named-progress';

const CROWD = Array.from({ length: 10_050 }, (_, i) => `acc-crowd-${i}`);
const mentions = (body: string): string[] => [...body.matchAll(/ri:account-id="([^"]+)"/g)].map((m) => m[1]);

test('a reminder to a big group names 50 people and says "and others"', async () => {
  const env = await lifecycleSetup();
  env.site.users.push(...CROWD.map((accountId) => ({ accountId, displayName: accountId, email: `${accountId}@example.com` })));
  env.site.getGroup('grp-eng-reviewers')!.members.push(...CROWD);
  await env.engine.workflows.update(ui(ALICE), 'wf-remind', { steps: [{ approvers: ['group:grp-eng-reviewers'], mode: 'any' }] });
  await env.engine.approvals.submitPage(ui(BOB), '2005', 'wf-remind');
  env.advanceDays(2);
  expect((await env.run()).posted).toBe(1);
  const reminder = env.comments('2005').filter((c) => c.body.includes('Reminder')).at(-1)!;
  expect(mentions(reminder.body)).toHaveLength(NAMED_PER_GROUP);
  expect(reminder.body).toContain(' and others</p>');
});
