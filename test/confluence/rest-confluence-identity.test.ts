/**
 * Issue 8's Confluence bugs, each against a Confluence that is as strict as the real one
 * (strict-confluence.ts), under the documented default profile unless a test says otherwise:
 * page reads as the acting user, valid list statuses, no admin-only endpoint for other users,
 * site admin from the user's own permissions, full group paging, bounded and resilient calls.
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import type { ConfluenceAccess } from '../../src/adapters/confluence/access';
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import { DEFAULT_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';
import { APP_USER, StrictConfluence } from './strict-confluence';

const pages = [
  { id: '2001', spaceId: '1001', status: 'current' as const, editors: ['acc-bob'] },
  // restricted: the app user is not among the viewers (seed page 2012)
  { id: '2012', spaceId: '1001', status: 'current' as const, viewers: ['acc-bob'], editors: ['acc-bob'] },
  { id: '2011', spaceId: '1001', status: 'draft' as const, viewers: ['acc-bob', APP_USER], editors: ['acc-bob'] },
];

const pessimistic = (acting?: string, extra: Partial<ConfluenceAccess> = {}): ConfluenceAccess => ({
  ...(acting ? { actingAccountId: acting } : {}),
  impersonation: false,
  appUserIsConfluenceAdmin: false,
  gate: new CallGate({ sleep: async () => undefined }),
  ...extra,
});

describe('page reads as the acting user', () => {
  it('Bob sees the restricted page 2012 that the app user cannot see', async () => {
    const confluence = new StrictConfluence({ pages });
    const asBob = new RestConfluenceSite(confluence, pessimistic('acc-bob'));
    expect([...(await asBob.getPages(['2001', '2012'])).keys()].sort()).toEqual(['2001', '2012']);
    expect(await asBob.checkPagePermission('acc-bob', '2012', 'update')).toBe(true);
    expect(confluence.requests.every((r) => r.actAs !== undefined && r.actAs !== 'app' && r.actAs.accountId === 'acc-bob')).toBe(true);
  });

  it('Erin does not see page 2012, and nothing asks as the app on her behalf', async () => {
    const confluence = new StrictConfluence({ pages });
    const asErin = new RestConfluenceSite(confluence, pessimistic('acc-erin'));
    expect((await asErin.getPages(['2012'])).size).toBe(0);
    expect(await asErin.checkPagePermission('acc-erin', '2012', 'read')).toBe(false);
  });

  it('an acting user Confluence does not know sees nothing (401 is "not visible", never an error)', async () => {
    const asUnknown = new RestConfluenceSite(new StrictConfluence({ pages }), pessimistic('acc-unknown-1'));
    expect((await asUnknown.getPages(['2001'])).size).toBe(0);
    expect(await asUnknown.getPage('2001')).toBeUndefined();
    expect(await asUnknown.getSpace('1001')).toBeUndefined();
    expect(await asUnknown.checkPagePermission('acc-unknown-1', '2001', 'read')).toBe(false);
  });

  it('lists only statuses the v2 page list accepts, and reads a draft directly only for ids the list did not return', async () => {
    const confluence = new StrictConfluence({ pages });
    const asBob = new RestConfluenceSite(confluence, pessimistic('acc-bob'));
    const found = await asBob.getPages(['2001', '2011']);
    expect(found.get('2011')?.status).toBe('draft');
    expect(found.get('2001')?.status).toBe('current');
    const list = confluence.requests.find((r) => r.path.startsWith('/wiki/api/v2/pages?'))!;
    expect(new URLSearchParams(list.path.split('?')[1]).getAll('status')).toEqual(['current', 'archived']);
    expect(confluence.requests.filter((r) => r.path.includes('get-draft')).map((r) => r.path)).toEqual(['/wiki/api/v2/pages/2011?get-draft=true']);
  });
});

describe('questions about another user', () => {
  it('without impersonation or an admin app user, never calls the admin-only check and answers "cannot view" instead of failing', async () => {
    const confluence = new StrictConfluence({ pages });
    const asBob = new RestConfluenceSite(confluence, pessimistic('acc-bob'));
    await expect(asBob.checkPagePermission('acc-carol', '2001', 'read')).resolves.toBe(false);
    expect(confluence.requests).toEqual([]);
  });

  it('with impersonation, asks as that user about themself', async () => {
    const confluence = new StrictConfluence({ pages });
    const asBob = new RestConfluenceSite(confluence, pessimistic('acc-bob', { impersonation: true }));
    expect(await asBob.checkPagePermission('acc-carol', '2001', 'read')).toBe(true);
    expect(await asBob.checkPagePermission('acc-carol', '2012', 'read')).toBe(false);
    expect(confluence.requests.map((r) => r.actAs)).toEqual([{ accountId: 'acc-carol' }, { accountId: 'acc-carol' }]);
  });

  it('a refused admin-only check (app user not an admin after all) is "no", recorded as refuted, never a 500', async () => {
    const confluence = new StrictConfluence({ pages });
    const observed: Array<[string, boolean]> = [];
    const site = new RestConfluenceSite(confluence, pessimistic('acc-bob', { appUserIsConfluenceAdmin: true, observe: (k, v) => observed.push([k, v]) }));
    await expect(site.checkPagePermission('acc-carol', '2001', 'read')).resolves.toBe(false);
    expect(observed).toEqual([['appUserIsConfluenceAdmin', false]]);
  });
});

describe('apiRoute without impersonation and without a platform principal (profile no-impersonation)', () => {
  const apiAccess = (admin: boolean) => confluenceAccess({ ...DEFAULT_PLATFORM_PROFILE, apiRouteImpersonation: false, appUserIsConfluenceAdmin: admin }, { actingAccountId: 'acc-bob' }, { via: 'apiRoute', gate: new CallGate({ sleep: async () => undefined }) });

  it('reads as the app (never as a user it cannot act as): the restricted page stays hidden, which is the strict answer', async () => {
    const confluence = new StrictConfluence({ pages });
    const site = new RestConfluenceSite(confluence, apiAccess(false));
    expect((await site.getPages(['2001', '2012'])).has('2012')).toBe(false);
    expect(await site.checkPagePermission('acc-bob', '2001', 'update')).toBe(false);
    expect(confluence.requests.every((r) => r.actAs === 'app')).toBe(true);
  });

  it('with an admin app user, asks permission/check about the caller as the app', async () => {
    const confluence = new StrictConfluence({ pages, confluenceAdmins: [APP_USER] });
    const site = new RestConfluenceSite(confluence, apiAccess(true));
    expect(await site.checkPagePermission('acc-bob', '2001', 'update')).toBe(true);
    expect(confluence.requests.map((r) => r.actAs)).toEqual(['app']);
  });
});

describe('site admins and groups', () => {
  it('site admin comes from the user’s own Confluence permissions, whatever the admin group is called', async () => {
    const confluence = new StrictConfluence({ confluenceAdmins: ['acc-alice'] });
    expect(await new RestConfluenceSite(confluence, pessimistic('acc-alice')).isSiteAdmin('acc-alice')).toBe(true);
    expect(await new RestConfluenceSite(confluence, pessimistic('acc-carol')).isSiteAdmin('acc-carol')).toBe(false);
    expect(confluence.requests.map((r) => [r.path, r.actAs])).toEqual([
      ['/wiki/rest/api/user/current?expand=operations', { accountId: 'acc-alice' }],
      ['/wiki/rest/api/user/current?expand=operations', { accountId: 'acc-carol' }],
    ]);
  });

  it('follows _links.next to the end even when Confluence pages shorter than the limit asked', async () => {
    const members = Array.from({ length: 120 }, (_, i) => `acc-m${i}`);
    const confluence = new StrictConfluence({ groups: { 'grp-big': members }, v1PageSize: 50 });
    const site = new RestConfluenceSite(confluence, pessimistic('acc-bob'));
    expect(await site.getGroupMembers('grp-big')).toEqual(members);
    expect(confluence.requests).toHaveLength(3);
    expect(confluence.requests.every((r) => r.actAs === 'app')).toBe(true);
  });

  it('a capped listing reads ⌈cap/page⌉ pages from `start` and says whether the group goes on', async () => {
    const members = Array.from({ length: 120 }, (_, i) => `acc-m${i}`);
    const confluence = new StrictConfluence({ groups: { 'grp-big': members }, v1PageSize: 50 });
    const site = new RestConfluenceSite(confluence, pessimistic('acc-bob'));
    expect(await site.groupMembersCapped('grp-big', 60)).toEqual({ members: members.slice(0, 60), more: true });
    expect(confluence.requests).toHaveLength(2);
    expect(await site.groupMembersCapped('grp-big', 50, 100)).toEqual({ members: members.slice(100), more: false });
    expect(confluence.requests).toHaveLength(3);
    expect(await site.groupMembersCapped('grp-unknown', 50)).toEqual({ members: [], more: false });
  });
});

describe('bounded, resilient calls', () => {
  it('keeps at most 10 Confluence calls in flight however many checks the engine asks for at once', async () => {
    const confluence = new StrictConfluence({ pages });
    confluence.delayMs = 5;
    const site = new RestConfluenceSite(confluence, pessimistic('acc-bob', { impersonation: true }));
    const approvers = Array.from({ length: 40 }, (_, i) => `acc-a${i}`);
    await Promise.all(approvers.map((a) => site.checkPagePermission(a, '2001', 'read')));
    expect(confluence.requests).toHaveLength(40);
    expect(confluence.maxInFlight).toBe(10);
  });

  it('retries 429 and 5xx after the Retry-After Confluence asked for, then answers', async () => {
    const confluence = new StrictConfluence({ pages });
    confluence.scripted.push({ status: 429, headers: { 'retry-after': '3' }, body: undefined }, { status: 503, body: undefined });
    const waits: number[] = [];
    const site = new RestConfluenceSite(confluence, pessimistic('acc-bob', { gate: new CallGate({ sleep: async (ms) => void waits.push(ms) }) }));
    expect((await site.getPages(['2001'])).size).toBe(1);
    expect(waits[0]).toBe(3000);
    expect(waits).toHaveLength(2);
  });

  it('answers 503 UPSTREAM_UNAVAILABLE when the wait would not fit in the invocation’s remaining time', async () => {
    const confluence = new StrictConfluence({ pages });
    confluence.scripted.push({ status: 429, headers: { 'retry-after': '30' }, body: undefined });
    const waits: number[] = [];
    const gate = new CallGate({ sleep: async (ms) => void waits.push(ms), remainingMs: () => 20_000 });
    const error = await new RestConfluenceSite(confluence, pessimistic('acc-bob', { gate })).getPages(['2001']).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 30 });
    expect(waits).toEqual([]);
  });
});
