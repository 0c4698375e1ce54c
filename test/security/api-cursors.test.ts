/**
 * Issue 10.5 / SPEC §9, finding: "A list cursor decodes to the key of the next change set, revealing
 * ids, times and counts of change sets in a space the caller cannot see." Cursors are now sealed
 * (AES-GCM, per-installation secret in the app store) and bound to operation, caller and query.
 */
import { testAppAccount } from '../api/helpers';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { createApiHandlers } from '../../src/transport/api';
import { createFakeEngine } from '../api/fake-engine';
import { CursorSeal, CURSOR_TTL_MS } from '../../src/transport/shared/cursor-seal';
import { call } from '../api/helpers';
import { createRealApi } from '../api/real-app';
import { createResolverApp } from './resolver-app';

async function apiWithSets(count: number) {
  const app = await createRealApi();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await call(app.handlers, 'changeset-create', { body: { spaceId: '1001', title: `Set ${i}`, pageRefs: [{ pageId: '2001' }] } });
    ids.push(res.json.changeSet.id);
  }
  return { app, ids };
}

function flip(cursor: string, at: number): string {
  const c = cursor[at] === 'A' ? 'B' : 'A';
  return cursor.slice(0, at) + c + cursor.slice(at + 1);
}

describe('REST /changeSets cursors', () => {
  it('decode to nothing: no change-set id, space id or time can be read from them', async () => {
    const { app, ids } = await apiWithSets(3);
    const first = await call(app.handlers, 'changesets-list', { query: { spaceId: '1001', limit: '1' } });
    const cursor: string = first.json.nextCursor;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const leak of [...ids, '1001', 'cs-by', 'cs:']) expect(decoded).not.toContain(leak);
    // …and still page correctly for their owner.
    const second = await call(app.handlers, 'changesets-list', { query: { spaceId: '1001', limit: '1', cursor } });
    expect(second.status).toBe(200);
    expect(second.json.changeSets[0].id).not.toBe(first.json.changeSets[0].id);
  });

  it('forged, altered, replayed by another user or with another query → 400 INVALID_CURSOR', async () => {
    const { app } = await apiWithSets(3);
    const first = await call(app.handlers, 'changesets-list', { query: { spaceId: '1001', limit: '1' } });
    const cursor: string = first.json.nextCursor;
    const attempts: Array<[string, Parameters<typeof call>[2]]> = [
      ['forged', { query: { spaceId: '1001', cursor: Buffer.from('cs-by-time:1001:9999').toString('base64url') } }],
      ['altered', { query: { spaceId: '1001', cursor: flip(cursor, 20) } }],
      ['other user', { query: { spaceId: '1001', cursor }, accountId: 'acc-carol' }],
      ['other space', { query: { spaceId: '1002', cursor } }],
      ['other filter', { query: { spaceId: '1001', status: 'archived', cursor } }],
    ];
    for (const [what, options] of attempts) {
      const res = await call(app.handlers, 'changesets-list', options);
      expect({ what, status: res.status, code: res.json.code, field: res.json.details?.[0]?.field }).toEqual({ what, status: 400, code: 'INVALID_CURSOR', field: 'cursor' });
    }
  });
});

describe('resolver cursors', () => {
  it('audit.list: a cursor works for its admin and query only, and expires', async () => {
    const app = await createResolverApp();
    for (const pageId of ['2001', '2002', '2003']) expect((await app.invoke('acc-bob', 'page.submit', { pageId })).success).toBe(true);
    const first = await app.invoke('acc-alice', 'audit.list', { limit: 1 });
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await app.invoke('acc-alice', 'audit.list', { limit: 1, cursor: first.nextCursor })).success).toBe(true);
    expect(await app.invoke('acc-alice', 'audit.list', { limit: 1, cursor: first.nextCursor, action: 'approval.submitted' })).toMatchObject({ code: 'INVALID_CURSOR' });
    expect(await app.invoke('acc-alice', 'queue.list', { cursor: first.nextCursor }, { spaceId: '1001' })).toMatchObject({ code: 'INVALID_CURSOR' });
    app.clock.now += CURSOR_TTL_MS + 1;
    expect(await app.invoke('acc-alice', 'audit.list', { limit: 1, cursor: first.nextCursor })).toMatchObject({ code: 'INVALID_CURSOR' });
  });
});

describe('the sealing secret', () => {
  it('costs one store read per list request, opening and sealing included', async () => {
    const store = new CountingStore(new MemoryStore());
    const fake = createFakeEngine();
    const handlers = createApiHandlers(() => fake.engine, { store, appAccountId: testAppAccount });
    const first = await call(handlers, 'changesets-list', { query: { spaceId: '1001' } });
    store.reset();
    const next = await call(handlers, 'changesets-list', { query: { spaceId: '1001', cursor: first.json.nextCursor } });
    expect(next.status).toBe(200);
    expect(next.json.nextCursor).toEqual(expect.any(String));
    // 1 get (the secret) + 1 getMany (rate-limit block keys); the fake engine touches no store.
    expect({ get: store.counts.get, getMany: store.counts.getMany, query: store.counts.query, transact: store.counts.transact }).toEqual({ get: 1, getMany: 1, query: 0, transact: 0 });
  });

  it('is created once per installation store and shared by every invocation', async () => {
    const store = new MemoryStore();
    const binding = { operation: 'changeSet.list', accountId: 'acc-bob', query: { spaceId: '1001' } };
    const sealed = await new CursorSeal(store).seal('cs-by-time:1001:x', binding);
    expect(await new CursorSeal(store).open(sealed, binding)).toBe('cs-by-time:1001:x');
    // Another installation (another store) cannot open it.
    await expect(new CursorSeal(new MemoryStore()).open(sealed, binding)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
