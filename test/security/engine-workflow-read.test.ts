/**
 * Issue 10, "workflow.list / get ignore the caller; importFrom reads any space" (SPEC 2.1): reading
 * workflows needs view of the space; anyone else gets the answer a missing workflow (or space) gets,
 * and the refusal is recorded.
 */
import { ALICE, DOCS, ENG, ERIN, setup, ui, refusal } from '../engine/helpers';

test('an outsider cannot read another space’s workflows: same answer as for a missing one, and audited', async () => {
  const env = await setup();
  const before = (await env.auditRecords()).length;
  expect(await refusal(env.engine.workflows.get(ui(ERIN), 'wf-docs-legal'))).toEqual(await refusal(env.engine.workflows.get(ui(ERIN), 'wf-missing')));
  expect(await refusal(env.engine.workflows.list(ui(ERIN), DOCS))).toEqual(await refusal(env.engine.workflows.list(ui(ERIN), '1999')));
  expect((await refusal(env.engine.workflows.list(ui(ERIN), DOCS))).status).toBe(404);
  // a viewer of the space reads it
  expect((await env.engine.workflows.list(ui(ERIN), ENG)).map((w) => w.id)).toEqual(['wf-eng-review']);
  const denied = (await env.auditRecords()).slice(before).filter((r) => r.action === 'access.denied');
  expect(denied.filter((r) => r.spaceId === DOCS).map((r) => r.details.operation)).toEqual(['workflow.get', 'workflow.list', 'workflow.list']);
});

test('importFrom refuses a source in a space the caller cannot view, even for an admin of the target space', async () => {
  const env = await setup();
  // Erin administers ENG (and can still not view DOCS)
  env.site.spaces.find((s) => s.id === ENG)!.permissions.push({ id: 'perm-erin-admin', principal: { type: 'user', id: ERIN }, operation: { key: 'administer', targetType: 'space' } });
  expect(await refusal(env.engine.workflows.importFrom(ui(ERIN), 'wf-docs-legal', ENG))).toEqual(await refusal(env.engine.workflows.importFrom(ui(ERIN), 'wf-missing', ENG)));
  expect((await env.engine.workflows.list(ui(ALICE), ENG)).map((w) => w.id)).toEqual(['wf-eng-review']);
  const imported = await env.engine.workflows.importFrom(ui(ALICE), 'wf-docs-legal', ENG);
  expect(imported).toMatchObject({ spaceId: ENG, enabled: false });
});
