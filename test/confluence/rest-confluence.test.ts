/**
 * RestConfluenceSite against the local site (in-process transport, as the app): the ConfluenceSite
 * port's answers, its batching contract (⌈N/250⌉ page calls) and its error mapping.
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from '../../src/adapters/confluence/transport';
import { DomainError } from '../../src/core/domain/errors';
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { buildSeed, createLocalSite, type LocalPage, type LocalSite } from '../../local/site';

let site: LocalSite;
let confluence: RestConfluenceSite;
beforeEach(() => {
  site = createLocalSite();
  confluence = new RestConfluenceSite(site.transport());
});

/** A site with `count` extra published ENG pages, ids 100000… */
function siteWithManyPages(count: number): LocalSite {
  const seed = buildSeed();
  const template = seed.pages[0];
  const extra: LocalPage[] = Array.from({ length: count }, (_, i) => ({
    ...template,
    id: String(100_000 + i),
    versions: [{ ...template.versions[0], title: `Generated ${i}` }],
  }));
  return createLocalSite({ seed: { ...seed, pages: [...seed.pages, ...extra] } });
}

describe('getPages', () => {
  it('returns PageInfo for known pages as the acting user sees them, drafts included, and leaves unknown ids out', async () => {
    const asBob = new RestConfluenceSite(site.transport(), { actingAccountId: 'acc-bob', impersonation: true, appUserIsConfluenceAdmin: false });
    const pages = await asBob.getPages(['2001', '2011', '2012', '9999']);
    expect([...pages.keys()].sort()).toEqual(['2001', '2011', '2012']);
    expect(pages.get('2001')).toEqual({
      id: '2001',
      spaceId: '1001',
      title: 'Architecture overview',
      status: 'current',
      version: 3,
      versionAuthorId: 'acc-bob',
      versionMessage: 'Update 2',
    });
    expect(pages.get('2011')?.status).toBe('draft');
  });

  it('makes exactly ⌈N/250⌉ page calls: 300 pages → 2', async () => {
    const big = siteWithManyPages(300);
    const client = new RestConfluenceSite(big.transport());
    const ids = Array.from({ length: 300 }, (_, i) => String(100_000 + i));
    const pages = await client.getPages(ids);
    expect(pages.size).toBe(300);
    expect(big.calls.byEndpoint['GET /wiki/api/v2/pages']).toBe(2);
    expect(big.calls.total).toBe(2);
  });

  it('makes no call for no ids, and one call for duplicates', async () => {
    expect((await confluence.getPages([])).size).toBe(0);
    expect(site.calls.total).toBe(0);
    await confluence.getPages(['2001', '2001', '2002']);
    expect(site.calls.total).toBe(1);
  });

  it('follows _links.next when Confluence pages the answer', async () => {
    // a transport that forces small pages, as Confluence may do whatever limit was asked for
    const smallPages: ConfluenceTransport = {
      request: (r) => site.transport().request({ ...r, path: r.path.replace('limit=250', 'limit=2') }),
    };
    const pages = await new RestConfluenceSite(smallPages).getPages(['2001', '2002', '2003', '2004', '2005']);
    expect(pages.size).toBe(5);
    expect(site.calls.byEndpoint['GET /wiki/api/v2/pages']).toBe(3);
  });

  it('rejects ids that are not safe path parts before calling anything', async () => {
    await expect(confluence.getPages(['2001', '../admin'])).rejects.toMatchObject({ status: 400, code: 'INVALID_ID' });
    expect(site.calls.total).toBe(0);
  });
});

describe('permissions', () => {
  it('checks page permissions through permission/check', async () => {
    expect(await confluence.checkPagePermission('acc-bob', '2001', 'update')).toBe(true);
    expect(await confluence.checkPagePermission('acc-erin', '2001', 'update')).toBe(false);
    expect(await confluence.checkPagePermission('acc-erin', '2012', 'read')).toBe(false);
    expect(await confluence.checkPagePermission('acc-bob', '9999', 'read')).toBe(false);
    expect(site.calls.byEndpoint['POST /wiki/rest/api/content/{id}/permission/check']).toBe(4);
  });

  it('finds space admins directly and through a group', async () => {
    expect(await confluence.isSpaceAdmin('acc-alice', '1001')).toBe(true);
    expect(await confluence.isSpaceAdmin('acc-bob', '1001')).toBe(false);
    expect(await confluence.isSpaceAdmin('acc-carol', '1002')).toBe(false);
    site.getSpace('1002')?.permissions.push({
      id: 'sp-extra',
      principal: { type: 'group', id: 'grp-eng-reviewers' },
      operation: { key: 'administer', targetType: 'space' },
    });
    expect(await confluence.isSpaceAdmin('acc-carol', '1002')).toBe(true);
    expect(await confluence.isSpaceAdmin('acc-erin', '1002')).toBe(false);
    expect(await confluence.isSpaceAdmin('acc-alice', '9999')).toBe(false);
  });

  it('answers no permission for an id Confluence refuses as a space id (400), as for an unknown space', async () => {
    // a record of the installation carries spaceId "global" (audit B1): asking about it must not fail the caller's read
    expect(await confluence.canViewSpace('acc-alice', 'global')).toBe(false);
    expect(await confluence.isSpaceAdmin('acc-alice', 'global')).toBe(false);
    expect(await confluence.canViewSpace('acc-alice', '1001')).toBe(true);
  });

  it('caches nothing across calls (a revoked admin is no longer admin)', async () => {
    expect(await confluence.isSpaceAdmin('acc-alice', '1001')).toBe(true);
    const space = site.getSpace('1001')!;
    space.permissions = space.permissions.filter((p) => p.operation.key !== 'administer');
    expect(await confluence.isSpaceAdmin('acc-alice', '1001')).toBe(false);
  });

  // Site-admin status from the user's own permissions (not group names): rest-confluence-identity.test.ts.
});

describe('spaces, groups, users, comments', () => {
  it('gets a space or undefined', async () => {
    expect(await confluence.getSpace('1002')).toEqual({ id: '1002', key: 'DOCS', name: 'Documentation' });
    expect(await confluence.getSpace('4242')).toBeUndefined();
  });

  it('expands group members', async () => {
    expect(await confluence.getGroupMembers('grp-eng-reviewers')).toEqual(['acc-carol', 'acc-dave']);
    expect(await confluence.getGroupMembers('grp-unknown')).toEqual([]);
  });

  it('resolves users in batches of 250', async () => {
    const users = await confluence.getUsers(['acc-alice', 'acc-erin', 'acc-nobody']);
    expect([...users.values()]).toEqual([
      { accountId: 'acc-alice', displayName: 'Alice Admin', accountStatus: 'active' },
      { accountId: 'acc-erin', displayName: 'Erin Outsider', accountStatus: 'active' },
    ]);
    // an org admin deactivates or deletes an account: users-bulk says so (v2 accountStatus)
    site.setAccountStatus('acc-alice', 'inactive');
    site.setAccountStatus('acc-erin', 'closed');
    expect([...(await confluence.getUsers(['acc-alice', 'acc-erin'])).values()].map((u) => u.accountStatus)).toEqual(['inactive', 'closed']);
    site.resetCalls();
    const many = Array.from({ length: 260 }, (_, i) => `acc-u${i}`);
    await confluence.getUsers(many);
    expect(site.calls.byEndpoint['POST /wiki/api/v2/users-bulk']).toBe(2);
  });

  it('creates a footer comment and a reply, authored by the app', async () => {
    const id = await confluence.createPageComment({ pageId: '2003', bodyStorage: '<p>Approved by Carol</p>' });
    const replyId = await confluence.createPageComment({ pageId: '2003', bodyStorage: '<p>Re</p>', parentCommentId: id });
    const comments = site.listComments('2003');
    expect(comments).toEqual([
      expect.objectContaining({ id, parentCommentId: null, authorId: site.appUser.accountId, body: '<p>Approved by Carol</p>' }),
      expect.objectContaining({ id: replyId, parentCommentId: id }),
    ]);
    await expect(confluence.createPageComment({ pageId: '9999', bodyStorage: '<p>x</p>' })).rejects.toMatchObject({
      status: 404,
      code: 'PAGE_NOT_FOUND',
    });
  });
});

describe('error mapping', () => {
  const fixed = (response: ConfluenceResponse | Error): ConfluenceTransport => ({
    request: async (_r: ConfluenceRequest) => {
      if (response instanceof Error) throw response;
      return response;
    },
  });

  /** Retries without real waiting (the gate's timing has its own tests). */
  const client = (t: ConfluenceTransport) => new RestConfluenceSite(t, { impersonation: false, appUserIsConfluenceAdmin: true, gate: new CallGate({ sleep: async () => undefined }) });

  it('maps a final failure to CONFLUENCE_ERROR without leaking the body', async () => {
    const secret = { errors: [{ status: 400, code: 'BOOM', title: 'internal host db-7.secret', detail: 'stack…' }] };
    const error = await client(fixed({ status: 400, body: secret })).getSpace('1001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 500, code: 'CONFLUENCE_ERROR' });
    expect(JSON.stringify({ m: (error as Error).message, d: (error as DomainError).details })).not.toContain('secret');
  });

  it('rejects responses of the wrong shape', async () => {
    await expect(client(fixed({ status: 200, body: { results: 'nope' } })).getPages(['1'])).rejects.toMatchObject({ code: 'CONFLUENCE_ERROR' });
  });

  it('refuses to follow a next link that leaves the v2 API', async () => {
    const c = client(fixed({ status: 200, body: { results: [], _links: { next: 'https://evil.test/wiki/api/v2/pages' } } }));
    await expect(c.getPages(['1'])).rejects.toMatchObject({ code: 'CONFLUENCE_ERROR' });
  });

  it('answers a retryable 503 UPSTREAM_UNAVAILABLE when 5xx, 429 or an unreachable Confluence outlasts the retries', async () => {
    for (const failure of [{ status: 500, body: undefined }, { status: 429, body: undefined }, new Error('ECONNRESET')]) {
      await expect(client(fixed(failure)).getSpace('1')).rejects.toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE' });
    }
  });
});
