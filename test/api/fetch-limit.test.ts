/**
 * U25, Forge's per-invocation request cap (docs/forge-platform.md): a change set whose pages need
 * more Confluence calls than one invocation gets is refused with 413 TOO_MANY_CONFLUENCE_CALLS
 * before any page is read, and nothing is written; without a cap the same change set goes through.
 */
import { createRealApi } from './real-app';
import { call, type CallOptions, type CallResult } from './helpers';
import { assertMatchesOpenApi } from './openapi-validator';
import { seedWithExtraPages } from '../engine/helpers';
import { DOCUMENTED_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import { loadPlatformProfile } from '../../local/profile';
import type { ApiRouteKey } from '../../src/transport/api/routes';
import { createLocalApp } from '../../local/app';
import { createLocalSite } from '../../local/site';
import { MemoryStore } from '../../src/adapters/store/memory-store';

const PAGE_REFS = Array.from({ length: 100 }, (_, i) => ({ pageId: String(4001 + i) }));
const CAPPED = loadPlatformProfile('fetch-limit');

async function hundredPageSet(profile: PlatformProfile) {
  const app = await createRealApi({ profile, seed: seedWithExtraPages(100) });
  const api = async (key: ApiRouteKey, options: CallOptions = {}): Promise<CallResult> => {
    const res = await call(app.handlers, key, options);
    assertMatchesOpenApi(key, res);
    return res;
  };
  const created = await api('changeset-create', { body: { spaceId: '1001', title: 'Big PR', pageRefs: PAGE_REFS }, idempotencyKey: 'create-big' });
  expect(created.status).toBe(201);
  return { app, api, changeSetId: created.json.changeSet.id as string };
}

it('the fetch-limit profile caps an invocation at 99 Confluence calls; documented has no cap', () => {
  expect(CAPPED).toEqual({ ...DOCUMENTED_PLATFORM_PROFILE, name: 'fetch-limit', confluenceCallsPerInvocation: 99 });
  expect(DOCUMENTED_PLATFORM_PROFILE.confluenceCallsPerInvocation).toBeUndefined();
});

it('under a 99-call cap, preflight and submit of 100 pages answer 413 TOO_MANY_CONFLUENCE_CALLS before reading a page, and submit nothing', async () => {
  const { app, api, changeSetId } = await hundredPageSet(CAPPED);
  app.site.resetCalls();
  const preflight = await api('changeset-preflight', { body: { changeSetId } });
  const submit = await api('changeset-submit', { body: { changeSetId }, idempotencyKey: 'submit-big' });
  for (const refused of [preflight, submit]) {
    expect([refused.status, refused.json.code]).toEqual([413, 'TOO_MANY_CONFLUENCE_CALLS']);
    expect(refused.json.error).toMatch(/^Checking the 100 pages of this change set needs at least 101 Confluence calls, and this request may make only \d+ more; nothing was changed\./);
  }
  // only the caller's right on the space was asked: no page list, no edit check
  expect(Object.keys(app.site.calls.byEndpoint).filter((endpoint) => /pages|content/.test(endpoint))).toEqual([]);
  app.settleIndexes();
  const actions = (await app.store.auditRecords()).map((r) => r.action);
  expect(actions.filter((a) => a === 'approval.submitted' || a === 'changeset.submitted')).toEqual([]);
  const detail = await api('changeset-detail', { query: { changeSetId } });
  expect(detail.json.changeSet.rollupState).toBe('open');
  expect((await api('page-status', { query: { pageId: '4001' } })).json.state).toBe('draft'); // never submitted
});

it('without a cap (documented) the same 100-page change set is submitted whole', async () => {
  const { api, changeSetId } = await hundredPageSet(DOCUMENTED_PLATFORM_PROFILE);
  const submit = await api('changeset-submit', { body: { changeSetId }, idempotencyKey: 'submit-big' });
  expect(submit.json).toMatchObject({ success: true, submittedCount: 100, skippedCount: 0 });
});

it('the one composition (createLocalApp: compose.ts, the production transport bridged into the twin) builds each invocation\'s gate with the profile\'s cap', async () => {
  const site = createLocalSite({ profile: CAPPED, seed: seedWithExtraPages(100) });
  const app = createLocalApp({ store: new MemoryStore(), site, profile: CAPPED });
  await app.ready;
  const handlers = app.api;
  const created = await call(handlers, 'changeset-create', { body: { spaceId: '1001', title: 'Big PR', pageRefs: PAGE_REFS }, idempotencyKey: 'create-big' });
  expect(created.status).toBe(201);
  site.resetCalls();
  const submit = await call(handlers, 'changeset-submit', { body: { changeSetId: created.json.changeSet.id }, idempotencyKey: 'submit-big' });
  expect([submit.status, submit.json.code]).toEqual([413, 'TOO_MANY_CONFLUENCE_CALLS']);
  expect(Object.keys(site.calls.byEndpoint).filter((endpoint) => /pages|content/.test(endpoint))).toEqual([]);
});
