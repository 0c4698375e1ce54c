/**
 * Issue 10, "page.changeSets / page.overview return every change set containing a page, unpaged":
 * the change sets of a page come newest first in pages of at most 100 (default: the list default of every list, 50) with a cursor.
 */
import { BOB, ENG, api, setup, ui } from '../engine/helpers';
import { FIELD_LIMITS } from '../../src/core/domain/limits';

test('change sets of a page are paged and capped, and the cursor walks all of them once, newest first', async () => {
  const env = await setup();
  const created: string[] = [];
  for (let i = 0; i < 130; i++) {
    env.tick();
    created.push((await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: `PR ${i}`, pageRefs: [{ pageId: '2001' }] })).id);
  }
  const first = await env.engine.changeSets.forPage(ui(BOB), '2001');
  expect(first.items).toHaveLength(FIELD_LIMITS.listPage.default);
  expect(first.nextCursor).toBeDefined();
  const capped = await env.engine.changeSets.forPage(ui(BOB), '2001', { limit: 1000 });
  expect(capped.items).toHaveLength(100);

  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.engine.changeSets.forPage(ui(BOB), '2001', { limit: 50, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(50);
    seen.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen).toEqual([...created].reverse());
});
