/**
 * Audit B8 (SPEC §9 "a forged or reused cursor is a 400"): a cursor with one character appended
 * decoded to the same bytes (base64url tolerates trailing bits) and answered 200 with the same page.
 * Every cursor kind the REST API hands out (change-set list, event feed, evidence chunks) is now
 * refused 400 INVALID_CURSOR when altered that way or respelled (same bytes), and still pages when left alone.
 */
import { CHAIN_CHUNK } from '../../src/core/evidence/export-pack';
import type { ApiRouteKey } from '../../src/transport/api/routes';
import { call } from '../api/helpers';
import { createRealApi } from '../api/real-app';
import { createResolverApp } from './resolver-app';

type App = Awaited<ReturnType<typeof createRealApi>>;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Another spelling of the same bytes: a lenient decoder drops the bits a last character carries
 * beyond the final byte (none are left when the length is a multiple of 4: then a character is appended).
 */
function sameBytesOtherSpelling(cursor: string): string {
  const spare = { 0: 0, 2: 4, 3: 2 }[cursor.length % 4] ?? 0;
  if (spare === 0) return `${cursor}A`;
  const last = ALPHABET.indexOf(cursor.slice(-1));
  return cursor.slice(0, -1) + ALPHABET[last | ((1 << spare) - 1)];
}

/** Per cursor kind: the route, its query (the cursor added), and how to make the store hand one out. */
const KINDS: Array<[ApiRouteKey, Record<string, string>, string, (app: App) => Promise<void>]> = [
  ['changesets-list', { spaceId: '1001', limit: '1' }, 'acc-bob', async (app) => {
    for (const title of ['A', 'B']) await call(app.handlers, 'changeset-create', { body: { spaceId: '1001', title, pageRefs: [{ pageId: '2001' }] } });
    app.settleIndexes();
  }],
  ['events-list', { limit: '1' }, 'acc-bob', async (app) => {
    await call(app.handlers, 'page-submit', { body: { pageId: '2001' } });
    app.settleIndexes();
  }],
  ['evidence', { pageId: '2001' }, 'acc-alice', async (app) => {
    const bob = { accountId: 'acc-bob', source: 'ui' as const };
    await app.engine.approvals.submitPage(bob, '2001');
    // enough records after the page's for the chain to come in more than one chunk
    for (let i = 0; i < CHAIN_CHUNK / 2 + 10; i++) await app.engine.approvals.cancel(bob, (await app.engine.approvals.submitPage(bob, '2003')).id);
  }],
];

describe.each(KINDS)('%s: a cursor with characters appended is a 400', (route, query, accountId, prepare) => {
  test('appending characters, or respelling the same bytes, is refused INVALID_CURSOR; the cursor itself still pages', async () => {
    const app = await createRealApi();
    await prepare(app);
    const first = await call(app.handlers, route, { query, accountId });
    expect(first.status).toBe(200);
    const cursor: string = first.json.nextCursor;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sameBytesOtherSpelling(cursor), 'base64url')).toEqual(Buffer.from(cursor, 'base64url'));
    for (const altered of [...['x', 'A', 'Q', '_', 'AA', '='].map((suffix) => cursor + suffix), sameBytesOtherSpelling(cursor)]) {
      const res = await call(app.handlers, route, { query: { ...query, cursor: altered }, accountId });
      expect({ altered, status: res.status, code: res.json.code }).toEqual({ altered, status: 400, code: 'INVALID_CURSOR' });
    }
    expect((await call(app.handlers, route, { query: { ...query, cursor }, accountId })).status).toBe(200);
  });
});

test('resolver cursors (all sealed by the same codec) refuse an appended character too', async () => {
  const app = await createResolverApp();
  for (const pageId of ['2001', '2002']) expect((await app.invoke('acc-bob', 'page.submit', { pageId })).success).toBe(true);
  const first = await app.invoke('acc-alice', 'audit.list', { limit: 1 });
  const cursor = first.nextCursor as string;
  expect(await app.invoke('acc-alice', 'audit.list', { limit: 1, cursor: `${cursor}x` })).toMatchObject({ success: false, code: 'INVALID_CURSOR' });
  expect((await app.invoke('acc-alice', 'audit.list', { limit: 1, cursor })).success).toBe(true);
});
