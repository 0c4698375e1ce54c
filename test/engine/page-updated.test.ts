/** The page-updated trigger: validates the Forge event and never needs a write for staleness. */
import { CountingStore } from '../../src/adapters/store/counting-store';
import { createPageUpdatedHandler } from '../../src/transport/events/page-updated';
import { BOB, CAROL, setup, ui } from './helpers';

const event = (pageId: string, version: number) => ({
  eventType: 'avi:confluence:updated:page',
  content: { id: pageId, type: 'page', space: { id: 1001, key: 'ENG' }, version: { number: version, by: { accountId: BOB }, message: '' } },
});

test('valid events reach the engine; malformed ones are logged and ignored', async () => {
  const env = await setup();
  const seen: unknown[] = [];
  const logs: string[] = [];
  const engine = { ...env.engine, pageEvents: { onPageUpdated: async (e: unknown) => void seen.push(e) } };
  const handler = createPageUpdatedHandler(() => engine, (m) => logs.push(m));
  await handler(event('2001', 7), {});
  await handler({ content: { id: '2001' } }, {});
  await handler({ ...event('2001', 8), content: { ...event('2001', 8).content, type: 'blogpost' } }, {});
  expect(seen).toEqual([{ pageId: '2001', spaceId: '1001', version: 7, authorId: BOB, message: '' }]);
  expect(logs).toEqual(['ignored a malformed page-updated event']);
});

test('stale state is right after an edit whether or not the event was delivered', async () => {
  let counting!: CountingStore;
  const env = await setup({ wrap: (s) => (counting = new CountingStore(s)) });
  const a = await env.engine.approvals.submitPage(ui(BOB), '2001');
  await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
  counting.reset();
  const edited = await env.site.editPage('2001', { accountId: BOB, body: '<p>new</p>' });
  await createPageUpdatedHandler(() => env.engine)(event('2001', edited.version), {});
  expect(counting.counts.transact).toBe(0); // the handler wrote nothing
  expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).isStale).toBe(true);
  await expect(env.engine.pageEvents.onPageUpdated({ pageId: '', spaceId: '1001', version: 1 })).rejects.toMatchObject({ code: 'INVALID_EVENT' });
});
