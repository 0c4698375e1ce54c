/**
 * The lifecycle's facet of the one Confluence client: the tree is read as the user through the v2 endpoints with
 * Confluence's cursor, only pages and folders are kept; space admins come from the space's
 * 'administer' permissions with groups expanded; a posted comment is found by its reference.
 */
import { createLocalSite } from '../../local/site';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { SPACE_ADMINS_CAP } from '../../src/core/ports/lifecycle-confluence';
import { CallGate } from '../../src/adapters/confluence/call-gate';
import type { ConfluenceRequest, ConfluenceResponse } from '../../src/adapters/confluence/transport';

function scripted(answers: Record<string, ConfluenceResponse>) {
  const requests: ConfluenceRequest[] = [];
  return {
    requests,
    transport: {
      request: (r: ConfluenceRequest): Promise<ConfluenceResponse> => {
        requests.push(r);
        const path = r.path.split('?')[0];
        return Promise.resolve(answers[path] ?? { status: 404, body: { errors: [] } });
      },
    },
  };
}

describe('listChildren', () => {
  test('space root: depth=root pages as the user; a page: direct-children with pages and folders only; cursor passed through', async () => {
    const { requests, transport } = scripted({
      '/wiki/api/v2/spaces/1001/pages': { status: 200, body: { results: [{ id: '2001', title: 'Home', status: 'current' }], _links: { next: '/wiki/api/v2/spaces/1001/pages?depth=root&cursor=abc123' } } },
      '/wiki/api/v2/pages/2001/direct-children': {
        status: 200,
        body: {
          results: [
            { id: '2002', title: 'Child', type: 'page', status: 'current' },
            { id: '9100', title: 'Runbooks', type: 'folder', status: 'current' },
            { id: '9200', title: 'Board', type: 'whiteboard', status: 'current' },
            { id: '2099', title: 'Old', type: 'page', status: 'archived' },
          ],
          _links: {},
        },
      },
    });
    const lc = new RestConfluenceSite(transport);
    expect(await lc.listChildren('acc-alice', { kind: 'space', spaceId: '1001' })).toEqual({ items: [{ id: '2001', type: 'page', title: 'Home' }], nextCursor: 'abc123' });
    expect(await lc.listChildren('acc-alice', { kind: 'page', id: '2001' }, 'abc123')).toEqual({
      items: [
        { id: '2002', type: 'page', title: 'Child' },
        { id: '9100', type: 'folder', title: 'Runbooks' },
      ],
    });
    expect(requests.map((r) => [r.path, r.actAs])).toEqual([
      ['/wiki/api/v2/spaces/1001/pages?limit=100&depth=root&status=current', { accountId: 'acc-alice' }],
      ['/wiki/api/v2/pages/2001/direct-children?limit=100&cursor=abc123', { accountId: 'acc-alice' }],
    ]);
  });

  test('a parent the user cannot see is PAGE_NOT_FOUND; a hostile cursor is refused before any call', async () => {
    const { requests, transport } = scripted({});
    const lc = new RestConfluenceSite(transport);
    await expect(lc.listChildren('acc-erin', { kind: 'page', id: '2012' })).rejects.toMatchObject({ code: 'PAGE_NOT_FOUND' });
    await expect(lc.listChildren('acc-erin', { kind: 'folder', id: '1' }, '../../x?y')).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    expect(requests).toHaveLength(1);
  });
});

describe('against the local site', () => {
  test('a granted admin group of any size: at most 50 space admins, users granted directly first, one page of members read', async () => {
    const site = createLocalSite();
    const crowd = Array.from({ length: 10_050 }, (_, i) => `acc-admin-${i}`);
    site.users.push(...crowd.map((accountId) => ({ accountId, displayName: accountId, email: `${accountId}@example.com` })));
    site.groups.push({ id: 'grp-admins', name: 'space-admins', members: crowd });
    site.getSpace('1001')!.permissions.push({ id: 'sp-1001-admins', principal: { type: 'group', id: 'grp-admins' }, operation: { key: 'administer', targetType: 'space' } });
    site.resetCalls();
    const admins = await new RestConfluenceSite(site.transport()).spaceAdmins('1001');
    expect(admins).toHaveLength(SPACE_ADMINS_CAP);
    expect(admins).toContain('acc-alice');
    expect(site.calls.byEndpoint['GET /wiki/rest/api/group/{groupId}/membersByGroupId']).toBe(1);
  });


  test('space admins of ENG include Alice; a comment is found by the reference it carries', async () => {
    const site = createLocalSite();
    const lc = new RestConfluenceSite(site.transport());
    expect(await lc.spaceAdmins('1001')).toContain('acc-alice');
    expect(await lc.spaceAdmins('1001')).not.toContain('acc-bob');
    const parent = site.addComment({ pageId: '2001', parentCommentId: null, authorId: 'acc-bob', body: '<p>Approval requested</p>' });
    site.addComment({ pageId: '2001', parentCommentId: parent.id, authorId: 'app', body: '<p>Reminder 1</p><p><sub>approvalflow:apr-1:remind-0-1</sub></p>' });
    expect(await lc.findComment({ pageId: '2001', parentCommentId: parent.id, text: 'approvalflow:apr-1:remind-0-1' })).toBeDefined();
    expect(await lc.findComment({ pageId: '2001', parentCommentId: parent.id, text: 'approvalflow:apr-1:remind-0-2' })).toBeUndefined();
    expect(await lc.findComment({ pageId: '2001', text: 'approvalflow:apr-1:remind-0-1' })).toBeUndefined(); // replies are not top-level
  });
});

describe('the space tree against the local site', () => {
  test('root pages as each user sees them (restricted pages hidden, drafts never listed); children of a page', async () => {
    const site = createLocalSite();
    const lc = new RestConfluenceSite(site.transport());
    const alice = await lc.listChildren('acc-alice', { kind: 'space', spaceId: '1001' });
    const ids = alice.items.map((i) => i.id);
    expect(ids).toContain('2001');
    expect(ids).toContain('2012');
    expect(ids).not.toContain('2011'); // a draft
    const erin = await lc.listChildren('acc-erin', { kind: 'space', spaceId: '1001' });
    expect(erin.items.map((i) => i.id)).not.toContain('2012');
    expect(await lc.listChildren('acc-alice', { kind: 'page', id: '2001' })).toEqual({ items: [] });
    await expect(lc.listChildren('acc-erin', { kind: 'page', id: '2012' })).rejects.toMatchObject({ code: 'PAGE_NOT_FOUND' });
  });
});

describe('one client: the lifecycle and the pickers pass the same call gate as every other call', () => {
  /** Answers 429 to the first call on each path, then what the local site answers. */
  function throttledOnce() {
    const site = createLocalSite();
    const seen = new Map<string, number>();
    return {
      seen,
      transport: {
        request: (r: ConfluenceRequest): Promise<ConfluenceResponse> => {
          const path = r.path.split('?')[0];
          seen.set(path, (seen.get(path) ?? 0) + 1);
          return seen.get(path) === 1 ? Promise.resolve({ status: 429, headers: { 'retry-after': '1' }, body: {} }) : site.transport().request(r);
        },
      },
    };
  }
  const noWait = () => new CallGate({ sleep: () => Promise.resolve() });

  test('a throttled tree read, space-admin walk and search are retried, not refused', async () => {
    const { seen, transport } = throttledOnce();
    const client = new RestConfluenceSite(transport, { impersonation: true, appUserIsConfluenceAdmin: false, gate: noWait() });
    expect((await client.listChildren('acc-alice', { kind: 'space', spaceId: '1001' })).items.map((i) => i.id)).toContain('2001');
    expect(await client.spaceAdmins('1001')).toContain('acc-alice');
    expect(await client.search('acc-bob', 'space', 'Docs', { limit: 10 })).toEqual([expect.objectContaining({ id: '1002' })]);
    expect(seen.get('/wiki/api/v2/spaces/1001/pages')).toBe(2);
    expect(seen.get('/wiki/rest/api/search')).toBe(2);
  });

  test('throttling that outlasts the budget is the one retryable 503 UPSTREAM_UNAVAILABLE, for the tree as for page reads', async () => {
    const always429 = { request: (): Promise<ConfluenceResponse> => Promise.resolve({ status: 429, headers: { 'retry-after': '1' }, body: {} }) };
    const client = new RestConfluenceSite(always429, { impersonation: true, appUserIsConfluenceAdmin: false, gate: noWait() });
    await expect(client.listChildren('acc-alice', { kind: 'space', spaceId: '1001' })).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    await expect(client.search('acc-bob', 'user', 'Carol', { limit: 5 })).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    await expect(client.getPages(['2001'])).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
  });
});
