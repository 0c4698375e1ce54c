/**
 * Issue 10, "refusals answered 404 leave no access.denied record", "approval.reset answers
 * FORBIDDEN for an invisible page and PAGE_NOT_FOUND for a missing one", and "each refused call
 * appends an access.denied record, so one token can grow the audit trail without bound" (SPEC 5).
 */
import { DENIALS_RECORDED_PER_MINUTE } from '../../src/core/services/denials';
import { BOB, ERIN, setup, ui, refusal } from '../engine/helpers';

test('approval.reset answers the same for a page the caller cannot see and for a missing one', async () => {
  const env = await setup();
  const invisible = await refusal(env.engine.approvals.reset(ui(ERIN), '2012'));
  const missing = await refusal(env.engine.approvals.reset(ui(ERIN), '9999'));
  expect(invisible).toEqual(missing);
  expect(invisible).toMatchObject({ status: 404, code: 'PAGE_NOT_FOUND' });
  // a page she can see but not administer is a plain 403
  expect((await refusal(env.engine.approvals.reset(ui(ERIN), '2001'))).code).toBe('FORBIDDEN');
});

test('a refusal answered 404 (an object the caller cannot see) leaves one access.denied record', async () => {
  const env = await setup();
  const before = (await env.auditRecords()).length;
  expect((await refusal(env.engine.approvals.pageStatus(ui(ERIN), '2012'))).code).toBe('PAGE_NOT_FOUND');
  expect((await refusal(env.engine.approvals.history(ui(ERIN), '2012'))).code).toBe('PAGE_NOT_FOUND');
  expect((await refusal(env.engine.approvals.submitPage(ui(ERIN), '2012'))).code).toBe('PAGE_NOT_FOUND');
  expect((await refusal(env.engine.changeSets.forPage(ui(ERIN), '2012'))).code).toBe('PAGE_NOT_FOUND');
  const added = (await env.auditRecords()).slice(before);
  expect(added.map((r) => [r.action, r.actor, r.pageId, r.details.operation, r.details.code])).toEqual([
    ['access.denied', ERIN, '2012', 'approval.status', 'PAGE_NOT_FOUND'],
    ['access.denied', ERIN, '2012', 'approval.history', 'PAGE_NOT_FOUND'],
    ['access.denied', ERIN, '2012', 'approval.submit', 'PAGE_NOT_FOUND'],
    ['access.denied', ERIN, '2012', 'changeset.forPage', 'PAGE_NOT_FOUND'],
  ]);
});

test('a flood of refusals is aggregated: a few records per caller and minute, then one record carries the count', async () => {
  const env = await setup();
  const before = (await env.auditRecords()).length;
  for (let i = 0; i < 60; i++) await refusal(env.engine.approvals.submitPage(ui(ERIN), '2001'));
  // another caller in the same minute is not affected by Erin's flood
  expect((await refusal(env.engine.approvals.reset(ui(BOB), '2001'))).code).toBe('FORBIDDEN');
  let added = (await env.auditRecords()).slice(before);
  expect(added.filter((r) => r.actor === ERIN)).toHaveLength(DENIALS_RECORDED_PER_MINUTE);
  expect(added.filter((r) => r.actor === BOB)).toHaveLength(1);
  expect(added.filter((r) => r.actor === ERIN)[DENIALS_RECORDED_PER_MINUTE - 1].details.furtherDenialsCounted).toBe(true);

  env.tick(60_000);
  await refusal(env.engine.approvals.submitPage(ui(ERIN), '2001'));
  added = (await env.auditRecords()).slice(before);
  const last = added[added.length - 1];
  expect(last).toMatchObject({ action: 'access.denied', actor: ERIN, details: { code: 'NO_EDIT_PERMISSION', suppressedDenials: 60 - DENIALS_RECORDED_PER_MINUTE } });
  expect((await env.audit.verify()).ok).toBe(true);
});
