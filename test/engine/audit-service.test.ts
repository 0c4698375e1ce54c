/** Audit reads through the engine: site admins see all, space admins their space, others nothing (audited). */
import { ALICE, BOB, DOCS, ENG, api, codeOf, setup, ui } from './helpers';

test('authorization of audit list, verify and export', async () => {
  const env = await setup();
  await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR audit', pageRefs: [{ pageId: '2001' }] });
  await env.engine.approvals.submitPage(ui(BOB), '2001');

  const all = await env.engine.audit.list(ui(ALICE), {}, { limit: 100 });
  expect(all.items.map((r) => r.action)).toEqual(expect.arrayContaining(['changeset.created', 'approval.submitted', 'workflow.created']));
  const apiOnly = await env.engine.audit.list(ui(ALICE), { source: 'api' }, {});
  expect(apiOnly.items.map((r) => [r.action, r.clientId])).toEqual([['changeset.created', 'client-ci']]);
  expect((await env.engine.audit.verify(ui(ALICE))).ok).toBe(true);

  expect(await codeOf(env.engine.audit.list(ui(BOB), {}, {}))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.audit.list(ui(BOB), { spaceId: ENG }, {}))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.audit.verify(ui(BOB)))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.audit.export(ui(BOB), {}, 'csv'))).toBe('FORBIDDEN');
  const denied = (await env.auditRecords()).filter((r) => r.action === 'access.denied').map((r) => r.details.operation);
  expect(denied).toEqual(['audit.list', 'audit.list', 'audit.verify', 'audit.export']);

  const { content: csv } = await env.engine.audit.export(ui(ALICE), { spaceId: ENG }, 'csv');
  expect(csv).toContain('Bob Author');
  const { content: ndjson } = await env.engine.audit.export(ui(ALICE), { action: 'approval.submitted' }, 'ndjson');
  expect(ndjson.trim().split('\n').length).toBeGreaterThanOrEqual(1);
});

test('a space admin who is not a site admin reads and exports only the spaces they administer', async () => {
  const env = await setup();
  // Make Bob an admin of DOCS only (he stays a plain member of ENG and is no site admin).
  env.site.spaces
    .find((s) => s.id === DOCS)!
    .permissions.push({ id: 'perm-bob-admin', principal: { type: 'user', id: BOB }, operation: { key: 'administer', targetType: 'space' } });
  await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-quick');
  await env.engine.approvals.submitPage(ui(BOB), '2001');

  const docs = await env.engine.audit.list(ui(BOB), { spaceId: DOCS }, { limit: 100 });
  expect(docs.items.length).toBeGreaterThan(0);
  expect(new Set(docs.items.map((r) => r.spaceId))).toEqual(new Set([DOCS]));
  expect(docs.items.map((r) => r.action)).toContain('approval.submitted');
  expect((await env.engine.audit.export(ui(BOB), { spaceId: DOCS }, 'ndjson')).content).not.toContain(`"spaceId":"${ENG}"`);

  expect(await codeOf(env.engine.audit.list(ui(BOB), { spaceId: ENG }, {}))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.audit.list(ui(BOB), {}, {}))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.audit.verify(ui(BOB)))).toBe('FORBIDDEN');
});
