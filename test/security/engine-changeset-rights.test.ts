/**
 * Issue 10, "any viewer can submit someone else's change set" (SPEC 2.5): only the creator or a
 * space admin updates, archives or submits a change set; others get 403 and exactly one
 * access.denied record, nothing else. Creating one needs edit on a page of the space.
 */
import { ALICE, BOB, CAROL, ENG, ERIN, api, codeOf, setup, ui } from '../engine/helpers';

const refs = (...ids: string[]) => ids.map((pageId) => ({ pageId }));

test('a viewer who did not create the change set cannot submit it: 403, one access.denied, nothing submitted', async () => {
  const env = await setup();
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 7', pageRefs: refs('2001', '2002') });
  const before = await env.auditRecords();

  expect(await codeOf(env.engine.changeSets.submit(api(ERIN), cs.id))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.changeSets.submit(ui(CAROL), cs.id))).toBe('FORBIDDEN');

  const added = (await env.auditRecords()).slice(before.length);
  expect(added.map((r) => [r.action, r.actor, r.changeSetId, r.details.operation])).toEqual([
    ['access.denied', ERIN, cs.id, 'changeset.submit'],
    ['access.denied', CAROL, cs.id, 'changeset.submit'],
  ]);
  const view = await env.engine.changeSets.get(api(BOB), cs.id);
  expect(view.version).toBe(1);
  expect(view.pages.map((p) => p.approvalStatus)).toEqual(['draft', 'draft']);
  // the creator and a space admin may
  expect((await env.engine.changeSets.submit(api(ALICE), cs.id)).submittedCount).toBe(2);
});

test('update and archive by a non-creator are refused the same way; reading stays open to viewers', async () => {
  const env = await setup();
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'PR 8', pageRefs: refs('2003') });
  expect(await codeOf(env.engine.changeSets.archive(api(ERIN), cs.id))).toBe('FORBIDDEN');
  expect(await codeOf(env.engine.changeSets.update(api(CAROL), cs.id, { title: 'mine now' }))).toBe('FORBIDDEN');
  expect(await env.engine.changeSets.get(api(ERIN), cs.id)).toMatchObject({ status: 'open', title: 'PR 8', version: 1 });
  expect((await env.engine.changeSets.preflight(api(ERIN), cs.id)).summary.total).toBe(1);
});

test('someone who can edit no page of the space cannot create change sets there', async () => {
  const env = await setup();
  const before = (await env.auditRecords()).length;
  expect(await codeOf(env.engine.changeSets.create(api(ERIN), { spaceId: ENG, title: 'spam', pageRefs: refs('2001') }))).toBe('FORBIDDEN');
  expect((await env.engine.changeSets.list(api(BOB), { spaceId: ENG })).items).toEqual([]);
  const added = (await env.auditRecords()).slice(before);
  expect(added.map((r) => [r.action, r.details.operation])).toEqual([['access.denied', 'changeset.create']]);
});
