/**
 * Issue 23 item 5: a decision, its preview and the panel's "can decide" ask each person's groups
 * once (v1 memberof), never list a group's members, so a group too large to list (> 10,000 members:
 * 50 pages of 200) still decides. Membership is asked per operation, so a change is seen at once.
 */
import { ALICE, BOB, CAROL, DAVE, codeOf, setup, submitAtomicSet, ui } from './helpers';
import type { TestEnv } from './helpers';

const GROUP = 'grp-eng-reviewers'; // Carol and Dave
const MEMBERS = 'GET /wiki/rest/api/group/{groupId}/membersByGroupId';
const MEMBER_OF = 'GET /wiki/rest/api/user/memberof';
const CROWD = Array.from({ length: 10_050 }, (_, i) => `acc-crowd-${i}`);

async function groupStepApproval(env: TestEnv): Promise<string> {
  await env.engine.workflows.update(ui('acc-alice'), 'wf-eng-review', { steps: [{ approvers: [`group:${GROUP}`], mode: 'any' }] });
  return (await env.engine.approvals.submitPage(ui(BOB), '2001')).id;
}

test('a group of 10,050 members: the preview and the decision ask only the decider’s groups', async () => {
  const env = await setup({ extraUsers: CROWD });
  const approvalId = await groupStepApproval(env);
  env.site.getGroup(GROUP)!.members.push(...CROWD); // the group grew after the submission
  env.site.resetCalls();
  expect(await env.engine.approvals.decisionPreview(ui(CAROL), approvalId)).toEqual({ countsToward: ['approvers'], completesStep: true, completesApproval: true });
  expect((await env.engine.approvals.decide(ui(CAROL), approvalId, 'approve')).status).toBe('approved');
  expect(env.site.calls.byEndpoint[MEMBERS]).toBeUndefined();
  // one memberof question per operation (Carol's groups), whatever the group's size
  expect(env.site.calls.byEndpoint[MEMBER_OF]).toBe(2);
});

test('membership is asked per operation: a person removed from the group is no approver any more', async () => {
  const env = await setup();
  const approvalId = await groupStepApproval(env);
  const group = env.site.getGroup(GROUP)!;
  // Dave keeps viewing ENG on his own grant (else the approval answers as missing, audit A#5)
  env.site.getSpace('1001')!.permissions.push({ id: 'sp-dave', principal: { type: 'user', id: DAVE }, operation: { key: 'read', targetType: 'space' } });
  group.members.splice(group.members.indexOf(DAVE), 1);
  expect(await codeOf(env.engine.approvals.decide(ui(DAVE), approvalId, 'approve'))).toBe('NOT_AN_APPROVER');
  expect((await env.engine.approvals.decide(ui(CAROL), approvalId, 'approve')).status).toBe('approved');
});

test('the set decision preview asks the caller’s groups once, for its progress and its prediction alike', async () => {
  const env = await setup();
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', {
    steps: [{ name: 'Review', groups: [{ key: 'eng', name: 'Eng', approvers: [`group:${GROUP}`], required: 2 }] }],
    sod: { excludeEditors: 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 },
  });
  const setApprovalId = await submitAtomicSet(env, ['2001', '2002']);
  env.site.resetCalls();
  expect((await env.engine.changeSets.decisionPreview(ui(CAROL), setApprovalId)).preview).toEqual({ counts: true, countsToward: ['eng'], completesStep: false, completesApproval: false });
  // one for the space's view right (granted to a group), one for the step: the prediction reuses the progress's answer
  expect(env.site.calls.byEndpoint[MEMBER_OF]).toBe(2);
});
