/**
 * Issue 10 findings held at the transport edge, one test each (red before this change):
 *  - "The handler's own scope check lets a call through when moduleKey is absent."
 *  - resolver keys that are not ours (`constructor`, `__proto__`, `toString`) reached Object.prototype
 *    (`constructor` echoed the invocation context back);
 *  - "audit.list by a non-admin answers INTERNAL_ERROR";
 *  - "page.changeSets / page.overview return every change set containing a page, unpaged";
 *  - preflight said PAGE_NOT_FOUND as a 404 over REST and as a success in the resolver, and the
 *    resolver preflight could not name the workflow the author would pick.
 */
import { call } from '../api/helpers';
import { createRealApi } from '../api/real-app';
import { API_ROUTES } from '../../src/transport/api/routes';
import { createResolverHandler } from '../../src/transport/resolvers';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { createResolverApp } from './resolver-app';

describe('moduleKey fails closed (SPEC §4)', () => {
  it.each([
    ['absent', null],
    ['unknown', 'not-a-route'],
    ['empty', ''],
  ] as const)('%s moduleKey → 403 SCOPE_MISMATCH on every route, nothing done', async (_what, moduleKey) => {
    const app = await createRealApi();
    const before = await app.store.stateSnapshot();
    for (const route of API_ROUTES) {
      const res = await call(app.handlers, route.key, { moduleKey, body: { spaceId: '1001', title: 'x', pageRefs: [{ pageId: '2001' }] }, query: { pageId: '2001' } });
      expect([route.key, res.status, res.json.code]).toEqual([route.key, 403, 'SCOPE_MISMATCH']);
    }
    expect(await app.store.stateSnapshot()).toEqual(before);
  });
});

describe('resolver keys', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'no.such.key'])(
    '%s is refused as an unknown key and never echoes the invocation',
    async (functionKey) => {
      const handler = createResolverHandler(
        () => {
          throw new Error('the engine must not be reached');
        },
        { store: new MemoryStore() },
      );
      const invocation = { call: { functionKey, payload: {} }, context: { moduleKey: 'approvalflow-macro', secret: 'context-value' } };
      await expect(handler(invocation, { principal: { accountId: 'acc-bob' } })).rejects.toThrow('Resolver has no definition for this key.');
    },
  );
});

describe('licence', () => {
  it('an inactive licence refuses resolvers as it refuses the REST API, and nothing runs', async () => {
    const handler = createResolverHandler(
      () => {
        throw new Error('the engine must not be reached');
      },
      { store: new MemoryStore() },
    );
    const reply = await handler({ call: { functionKey: 'page.submit', payload: { pageId: '2001' } }, context: {} }, { principal: { accountId: 'acc-bob' }, license: { isActive: false } });
    expect(reply).toEqual({ success: false, code: 'LICENSE_INACTIVE', error: expect.any(String) });
  });
});

describe('audit.list by a non-admin', () => {
  it.each([{}, { spaceId: '1001' }, { pageId: '2001' }, { action: 'access.denied' }, { limit: 100 }])('answers FORBIDDEN, never INTERNAL_ERROR (%j)', async (filter) => {
    const app = await createResolverApp();
    expect(await app.invoke('acc-bob', 'audit.list', filter)).toEqual({ success: false, code: 'FORBIDDEN', error: expect.any(String) });
  });
});

describe('page lists are paged and capped', () => {
  it('page.overview returns the first 20 change sets with a cursor; page.changeSets pages through all of them once', async () => {
    const app = await createResolverApp();
    const bob = { accountId: 'acc-bob', source: 'ui' as const };
    const created = new Set<string>();
    for (let i = 0; i < 130; i++) created.add((await app.engine.changeSets.create(bob, { spaceId: '1001', title: `Set ${i}`, pageRefs: [{ pageId: '2001' }] })).id);

    const overview = await app.invoke('acc-erin', 'page.overview', {}, { pageId: '2001' });
    expect(overview.changeSets).toHaveLength(20);
    expect(overview.changeSetsNextCursor).toEqual(expect.any(String));

    const seen: string[] = overview.changeSets.map((c: { id: string }) => c.id);
    let cursor: string | undefined = overview.changeSetsNextCursor;
    while (cursor) {
      const page = await app.invoke('acc-erin', 'page.changeSets', { pageId: '2001', cursor, limit: 100 });
      expect(page.success).toBe(true);
      expect(page.changeSets.length).toBeLessThanOrEqual(100);
      seen.push(...page.changeSets.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(130);
    expect(new Set(seen)).toEqual(created);
    expect((await app.invoke('acc-erin', 'page.changeSets', { pageId: '2001' })).changeSets).toHaveLength(50);
    expect(await app.invoke('acc-erin', 'page.changeSets', { pageId: '2001', limit: 101 })).toMatchObject({ code: 'INVALID_REQUEST' });
    // A cursor of page 2001's list does not page another page's list.
    expect(await app.invoke('acc-erin', 'page.changeSets', { pageId: '2002', cursor: overview.changeSetsNextCursor })).toMatchObject({ code: 'INVALID_CURSOR' });
  });
});

describe('preflight: one meaning over REST and resolvers, and it predicts submit', () => {
  it('a page the caller cannot see is PAGE_NOT_FOUND on both, with the same message', async () => {
    const api = await createRealApi();
    const ui = await createResolverApp();
    const rest = await call(api.handlers, 'page-preflight', { body: { pageId: '2012' }, accountId: 'acc-erin' });
    const resolver = await ui.invoke('acc-erin', 'page.preflight', { pageId: '2012' });
    expect([rest.status, rest.json.code]).toEqual([404, 'PAGE_NOT_FOUND']);
    expect(resolver).toEqual({ success: false, code: 'PAGE_NOT_FOUND', error: rest.json.error });
  });

  it('page.preflight takes the workflowId the author would pick and answers what page.submit then does', async () => {
    const ui = await createResolverApp();
    const without = await ui.invoke('acc-bob', 'page.preflight', { pageId: '3001' });
    expect(without.result).toMatchObject({ canSubmit: false, code: 'NO_WORKFLOW' });
    const withChoice = await ui.invoke('acc-bob', 'page.preflight', { pageId: '3001', workflowId: 'wf-docs-legal' });
    expect(withChoice.result).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-legal' });
    const submitted = await ui.invoke('acc-bob', 'page.submit', { pageId: '3001', workflowId: 'wf-docs-legal' });
    expect(submitted).toMatchObject({ success: true, approval: { workflowId: 'wf-docs-legal' } });
  });
});
