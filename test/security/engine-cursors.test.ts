/**
 * Issue 10, "a list cursor decodes to the key of the next change set, revealing ids, times and
 * counts of change sets in a space the caller cannot see": lists of a space the caller cannot view
 * hand out neither items nor a cursor (the answer an empty space gets). Signing cursors against
 * forgery is the transport's job; the engine never pages through a space the caller cannot view.
 */
import { BOB, DOCS, ERIN, api, setup, ui } from '../engine/helpers';

test('listing change sets or the queue of a space the caller cannot view yields no cursor', async () => {
  const env = await setup();
  for (const pageId of ['3001', '3002', '3003']) {
    env.tick();
    await env.engine.changeSets.create(api(BOB), { spaceId: DOCS, title: `Docs ${pageId}`, pageRefs: [{ pageId }] });
    await env.engine.approvals.submitPage(ui(BOB), pageId, 'wf-docs-quick');
  }
  // a viewer pages through with cursors
  expect((await env.engine.changeSets.list(api(BOB), { spaceId: DOCS, limit: 1 })).nextCursor).toBeDefined();
  expect((await env.engine.approvals.queue(ui(BOB), DOCS, { limit: 1 })).nextCursor).toBeDefined();
  // an outsider learns nothing, not even that there is a next page
  expect(await env.engine.changeSets.list(api(ERIN), { spaceId: DOCS, limit: 1 })).toEqual({ items: [] });
  expect(await env.engine.approvals.queue(ui(ERIN), DOCS, { limit: 1 })).toEqual({ items: [] });
  expect(await env.engine.changeSets.list(api(ERIN), { spaceId: DOCS, limit: 1 })).toEqual(await env.engine.changeSets.list(api(ERIN), { spaceId: '1999', limit: 1 }));
});
