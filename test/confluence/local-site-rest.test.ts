/**
 * The local site's HTTP surface answers like Confluence Cloud: v2 shapes, cursor paging, error
 * bodies, and visibility that follows the §7.1 permissions. `null` as the actor is the app's bot
 * user (asApp): it sees only what the app user may see.
 */
import { createLocalSite, type LocalSite } from '../../local/site';
import { DEFAULT_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let site: LocalSite;
beforeEach(() => {
  site = createLocalSite({ baseUrl: 'http://local.test/wiki' });
});

function get(path: string, actor: string | null = null) {
  const r = site.handleHttp('GET', path, undefined, actor);
  return { ...r, json: r.body as Json };
}

const getAs = (path: string, actor: string) => get(path, actor);

function post(path: string, body: unknown, actor: string | null = null) {
  const r = site.handleHttp('POST', path, body, actor);
  return { ...r, json: r.body as Json };
}

const ids = (r: { json: Json }) => (r.json.results as Json[]).map((p) => p.id);

describe('GET /wiki/api/v2/pages', () => {
  it('returns pages in the v2 shape with version and links', () => {
    const r = get('/wiki/api/v2/pages?id=2001');
    expect(r.status).toBe(200);
    expect(r.json.results).toHaveLength(1);
    expect(r.json.results[0]).toMatchObject({
      id: '2001',
      status: 'current',
      title: 'Architecture overview',
      spaceId: '1001',
      parentId: null,
      authorId: 'acc-bob',
      version: { number: 3, minorEdit: false, authorId: 'acc-bob', message: 'Update 2' },
      _links: { webui: '/spaces/ENG/pages/2001/Architecture+overview' },
    });
    expect(typeof r.json.results[0].createdAt).toBe('string');
    expect(r.json._links.base).toBe('http://local.test/wiki');
    expect(r.json._links.next).toBeUndefined();
  });

  it('accepts repeated and comma-separated ids alike', () => {
    expect(ids(get('/wiki/api/v2/pages?id=2003&id=2001'))).toEqual(['2001', '2003']);
    expect(ids(get('/wiki/api/v2/pages?id=2003,2001'))).toEqual(['2001', '2003']);
    expect(ids(get('/wiki/api/v2/pages?id=2003%2C2001'))).toEqual(['2001', '2003']);
  });

  it('never lists drafts, even to their author', () => {
    expect(ids(get('/wiki/api/v2/pages?id=2010,2011', 'acc-bob'))).toEqual(['2010']);
    expect(ids(get('/wiki/api/v2/pages?id=2010,2011&status=current&status=archived', 'acc-bob'))).toEqual(['2010']);
  });

  it('refuses status=draft (not in the endpoint\'s enum) with Confluence\'s error body', () => {
    const r = get('/wiki/api/v2/pages?id=2010,2011&status=current&status=draft', 'acc-bob');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      errors: [
        {
          status: 400,
          code: 'INVALID_REQUEST_PARAMETER',
          title: "Provided value {draft} for 'status' is not the correct type. Expected type is PageStatus",
          detail: null,
        },
      ],
    });
    expect(r.json.success).toBeUndefined();
    for (const ok of ['current', 'archived', 'deleted', 'trashed']) expect(get(`/wiki/api/v2/pages?status=${ok}`).status).toBe(200);
  });

  it('filters by space-id and includes the storage body on request', () => {
    const r = get('/wiki/api/v2/pages?space-id=1002&body-format=storage');
    expect(ids(r)).toEqual(['3001', '3002', '3003', '3004', '3005']);
    expect(r.json.results[0].body.storage).toEqual({ representation: 'storage', value: expect.stringContaining('<h1>User manual</h1>') });
  });

  it('pages with _links.next and a Link header until the last page', () => {
    const get = (path: string) => getAs(path, 'acc-bob');
    const first = get('/wiki/api/v2/pages?space-id=1001&limit=5');
    expect(ids(first)).toEqual(['2001', '2002', '2003', '2004', '2005']);
    const next = first.json._links.next as string;
    expect(next).toMatch(/^\/wiki\/api\/v2\/pages\?.*cursor=/);
    expect(first.headers.link).toBe(`<${next}>; rel="next"`);

    const second = get(next);
    expect(ids(second)).toEqual(['2006', '2007', '2008', '2009', '2010']);
    const third = get(second.json._links.next);
    expect(ids(third)).toEqual(['2012']);
    expect(third.json._links.next).toBeUndefined();
    expect(third.headers.link).toBeUndefined();
  });

  it('defaults limit to 25', () => {
    expect(ids(get('/wiki/api/v2/pages', 'acc-bob'))).toHaveLength(16); // 15 published + restricted, no draft
    expect(get('/wiki/api/v2/pages?limit=3').json.results).toHaveLength(3);
  });

  it('rejects more than 250 ids with Confluence error body', () => {
    const many = Array.from({ length: 251 }, (_, i) => String(10_000 + i)).join(',');
    const r = get(`/wiki/api/v2/pages?id=${many}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      errors: [{ status: 400, code: 'INVALID_REQUEST_PARAMETER', title: 'Bad Request', detail: expect.stringContaining('250') }],
    });
  });

  it('rejects a non-numeric id, a bad status and a bad cursor with 400', () => {
    expect(get('/wiki/api/v2/pages?id=abc').status).toBe(400);
    expect(get('/wiki/api/v2/pages?status=bogus').status).toBe(400);
    expect(get('/wiki/api/v2/pages?cursor=%%%').status).toBe(400);
    expect(get('/wiki/api/v2/pages?limit=0').status).toBe(400);
  });

  it('shows a user only the pages they can view', () => {
    expect(ids(get('/wiki/api/v2/pages?space-id=1001', 'acc-erin'))).not.toContain('2012');
    expect(ids(get('/wiki/api/v2/pages?space-id=1001', 'acc-bob'))).toContain('2012');
    expect(ids(get('/wiki/api/v2/pages?id=3001', 'acc-erin'))).toEqual([]);
    expect(ids(get('/wiki/api/v2/pages?id=3001', 'acc-carol'))).toEqual(['3001']);
  });

  it('lets the app identity see only what the app user may see: not page 2012, not the draft', () => {
    expect(ids(get('/wiki/api/v2/pages?space-id=1001&limit=250'))).toEqual(['2001', '2002', '2003', '2004', '2005', '2006', '2007', '2008', '2009', '2010']);
    expect(ids(get('/wiki/api/v2/pages?id=2012'))).toEqual([]);
    expect(get('/wiki/api/v2/pages/2012').status).toBe(404);
    expect(get('/wiki/api/v2/pages/2012/versions').status).toBe(404);
    expect(get('/wiki/api/v2/pages/2012/footer-comments').status).toBe(404);
    expect(get('/wiki/api/v2/pages/2011?get-draft=true').status).toBe(404);
    expect(get('/wiki/api/v2/pages/2012', 'acc-bob').status).toBe(200);
  });
});

describe('GET /wiki/api/v2/pages/{id}', () => {
  it('returns a page, with its body when asked', () => {
    const r = get('/wiki/api/v2/pages/2003?body-format=storage');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: '2003', version: { number: 4 }, body: { storage: { representation: 'storage' } } });
    expect(get('/wiki/api/v2/pages/2003').json.body).toEqual({});
  });

  it('returns an older version with ?version=', () => {
    expect(get('/wiki/api/v2/pages/2003?version=1').json.version.number).toBe(1);
    expect(get('/wiki/api/v2/pages/2003?version=9').status).toBe(404);
  });

  it('returns a draft only with get-draft=true, and only to a caller who may see it (its author)', () => {
    expect(get('/wiki/api/v2/pages/2011', 'acc-bob').status).toBe(404);
    const draft = get('/wiki/api/v2/pages/2011?get-draft=true', 'acc-bob');
    expect(draft.status).toBe(200);
    expect(draft.json.status).toBe('draft');
    expect(get('/wiki/api/v2/pages/2011?get-draft=true', 'acc-erin').status).toBe(404);
    expect(get('/wiki/api/v2/pages/2011?get-draft=true', 'acc-alice').status).toBe(404);
  });

  it('answers 404 in Confluence shape for unknown and invisible pages', () => {
    const unknown = get('/wiki/api/v2/pages/9999');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] });
    expect(get('/wiki/api/v2/pages/2012', 'acc-erin').status).toBe(404);
    expect(get('/wiki/api/v2/pages/2012', 'acc-alice').status).toBe(200);
  });
});

describe('GET /wiki/api/v2/pages/{id}/operations', () => {
  const ops = (pageId: string, actor: string | null) => (get(`/wiki/api/v2/pages/${pageId}/operations`, actor).json.operations as Json[]).map((o) => o.operation);

  it('answers what the calling identity may do', () => {
    expect(ops('2001', 'acc-bob')).toEqual(['read', 'update', 'delete']);
    expect(ops('2001', 'acc-erin')).toEqual(['read']);
    expect(ops('2001', null)).toEqual(['read']);
    expect(ops('3001', 'acc-frank')).toEqual(['read', 'update', 'delete']);
    expect(get('/wiki/api/v2/pages/2012/operations', null).status).toBe(404);
    expect(get('/wiki/api/v2/pages/2012/operations', 'acc-erin').status).toBe(404);
  });
});

describe('spaces', () => {
  it('gets a space and lists spaces by ids', () => {
    expect(get('/wiki/api/v2/spaces/1001').json).toMatchObject({ id: '1001', key: 'ENG', name: 'Engineering', type: 'global' });
    expect(ids(get('/wiki/api/v2/spaces?ids=1001,1002'))).toEqual(['1001', '1002']);
    expect(ids(get('/wiki/api/v2/spaces?ids=1001,1002', 'acc-erin'))).toEqual(['1001']);
    expect(get('/wiki/api/v2/spaces/1002', 'acc-erin').status).toBe(404);
  });

  it('lists space permissions in the v2 shape', () => {
    const r = get('/wiki/api/v2/spaces/1001/permissions?limit=250');
    const results = r.json.results as Json[];
    expect(results).toContainEqual(
      expect.objectContaining({ principal: { type: 'user', id: 'acc-alice' }, operation: { key: 'administer', targetType: 'space' } }),
    );
    expect(results).toContainEqual(
      expect.objectContaining({ principal: { type: 'group', id: 'grp-eng-reviewers' }, operation: { key: 'read', targetType: 'space' } }),
    );
    expect(results.every((p) => typeof p.id === 'string')).toBe(true);
  });
});

describe('POST /wiki/rest/api/content/{id}/permission/check', () => {
  // asked by a Confluence administrator, who may check anyone
  const check = (pageId: string, identifier: string, operation: string, type = 'user') =>
    post(`/wiki/rest/api/content/${pageId}/permission/check`, { subject: { type, identifier }, operation }, 'acc-alice').json;

  it('follows space permissions and page restrictions', () => {
    expect(check('2001', 'acc-bob', 'update')).toEqual({ hasPermission: true });
    expect(check('2001', 'acc-erin', 'read')).toEqual({ hasPermission: true });
    expect(check('2001', 'acc-erin', 'update')).toEqual({ hasPermission: false });
    expect(check('2012', 'acc-erin', 'read')).toEqual({ hasPermission: false });
    expect(check('2012', 'acc-carol', 'read')).toEqual({ hasPermission: false });
    expect(check('2012', 'acc-bob', 'update')).toEqual({ hasPermission: true });
    expect(check('3001', 'acc-erin', 'read')).toEqual({ hasPermission: false });
    expect(check('3001', 'acc-carol', 'read')).toEqual({ hasPermission: true });
    expect(check('3001', 'acc-carol', 'update')).toEqual({ hasPermission: false });
  });

  it('checks groups', () => {
    expect(check('2001', 'grp-eng-reviewers', 'read', 'group')).toEqual({ hasPermission: true });
    expect(check('2001', 'grp-eng-reviewers', 'update', 'group')).toEqual({ hasPermission: false });
  });

  it('reports an unknown subject without failing and 404s an unknown page', () => {
    expect(check('2001', 'acc-nobody', 'read')).toMatchObject({ hasPermission: false, errors: [expect.any(Object)] });
    const r = post('/wiki/rest/api/content/9999/permission/check', { subject: { type: 'user', identifier: 'acc-bob' }, operation: 'read' }, 'acc-bob');
    expect(r.status).toBe(404);
  });

  it('rejects a malformed body with 400', () => {
    expect(post('/wiki/rest/api/content/2001/permission/check', { subject: { type: 'robot' }, operation: 'read' }, 'acc-alice').status).toBe(400);
    expect(post('/wiki/rest/api/content/2001/permission/check', { subject: { type: 'user', identifier: 'acc-bob' }, operation: 'fly' }, 'acc-alice').status).toBe(400);
  });

  it('refuses the app identity (not a Confluence admin) asking about another user: 403 in v1 shape', () => {
    const r = post('/wiki/rest/api/content/2001/permission/check', { subject: { type: 'user', identifier: 'acc-bob' }, operation: 'read' });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({
      statusCode: 403,
      data: { authorized: false, valid: true, errors: [], successful: false },
      message: expect.stringContaining('Confluence Administrator'),
    });
    expect(post('/wiki/rest/api/content/2001/permission/check', { subject: { type: 'group', identifier: 'grp-eng-reviewers' }, operation: 'read' }).status).toBe(403);
    // a space admin is not a Confluence admin either
    expect(post('/wiki/rest/api/content/3001/permission/check', { subject: { type: 'user', identifier: 'acc-bob' }, operation: 'read' }, 'acc-frank').status).toBe(403);
  });

  it('lets the app identity check others when the profile makes the app user a Confluence admin', () => {
    const adminApp = createLocalSite({ profile: { ...DEFAULT_PLATFORM_PROFILE, name: 'admin-app', appUserIsConfluenceAdmin: true } });
    const r = adminApp.handleHttp('POST', '/wiki/rest/api/content/2001/permission/check', { subject: { type: 'user', identifier: 'acc-erin' }, operation: 'update' }, null);
    expect(r).toMatchObject({ status: 200, body: { hasPermission: false } });
  });

  it('lets a user check themselves but only an admin check others', () => {
    const body = (identifier: string) => ({ subject: { type: 'user', identifier }, operation: 'read' });
    expect(post('/wiki/rest/api/content/2001/permission/check', body('acc-bob'), 'acc-bob').json).toEqual({ hasPermission: true });
    expect(post('/wiki/rest/api/content/2001/permission/check', body('acc-erin'), 'acc-bob').status).toBe(403);
    expect(post('/wiki/rest/api/content/2001/permission/check', body('acc-erin'), 'acc-alice').status).toBe(200);
  });
});

describe('users and groups', () => {
  it('lists the groups a user is in (v1 memberof)', () => {
    const r = get('/wiki/rest/api/user/memberof?accountId=acc-carol');
    expect(r.json).toMatchObject({ start: 0, limit: 200, size: 1, results: [{ type: 'group', name: 'eng-reviewers', id: 'grp-eng-reviewers' }] });
    expect(get('/wiki/rest/api/user/memberof?accountId=acc-alice').json.results[0].name).toBe('site-admins');
    expect(get('/wiki/rest/api/user/memberof?accountId=acc-erin').json.results.map((g: { name: string }) => g.name)).toEqual(['legal-reviewers']); // the seed's two-member group for two-group steps (issue 19)
    expect(get('/wiki/rest/api/user/memberof?accountId=acc-nobody').status).toBe(404);
    expect(get('/wiki/rest/api/user/memberof').status).toBe(400);
  });

  it('lists group members by group id', () => {
    const r = get('/wiki/rest/api/group/grp-eng-reviewers/membersByGroupId');
    expect(r.json.results.map((u: Json) => u.accountId)).toEqual(['acc-carol', 'acc-dave']);
    expect(r.json.results[0]).toMatchObject({ type: 'known', displayName: 'Carol Reviewer' });
    expect(get('/wiki/rest/api/group/grp-nope/membersByGroupId').status).toBe(404);
  });

  it('resolves users in bulk and validates the batch size', () => {
    const r = post('/wiki/api/v2/users-bulk', { accountIds: ['acc-alice', 'acc-nobody', 'acc-erin'] });
    expect(r.json.results.map((u: Json) => [u.accountId, u.displayName])).toEqual([
      ['acc-alice', 'Alice Admin'],
      ['acc-erin', 'Erin Outsider'],
    ]);
    expect(post('/wiki/api/v2/users-bulk', { accountIds: [] }).status).toBe(400);
    expect(post('/wiki/api/v2/users-bulk', { accountIds: Array(251).fill('acc-bob') }).status).toBe(400);
  });

  it('answers user/current for a user (the app user for the app) and 401 for an unknown one', () => {
    expect(get('/wiki/rest/api/user/current', 'acc-dave').json).toMatchObject({ accountId: 'acc-dave', displayName: 'Dave Reviewer' });
    expect(get('/wiki/rest/api/user/current', null).json).toMatchObject({ accountId: site.appUser.accountId, accountType: 'app' });
    expect(get('/wiki/api/v2/pages', 'acc-ghost').status).toBe(401);
  });

  it('tells a caller its global permissions with expand=operations (administer only for Confluence admins)', () => {
    const ops = (actor: string | null) => (get('/wiki/rest/api/user/current?expand=operations', actor).json.operations as Json[]).map((o) => `${o.operation}:${o.targetType}`);
    expect(ops('acc-alice')).toEqual(['use:application', 'administer:application']);
    expect(ops('acc-frank')).toEqual(['use:application']);
    expect(ops(null)).toEqual(['use:application']);
    expect(get('/wiki/rest/api/user/current', 'acc-alice').json.operations).toBeUndefined();
  });

  it('pages group membership with _links.next', () => {
    const first = get('/wiki/rest/api/group/grp-eng-reviewers/membersByGroupId?limit=1');
    expect(first.json.results.map((u: Json) => u.accountId)).toEqual(['acc-carol']);
    expect(first.json._links.next).toBe('/rest/api/group/grp-eng-reviewers/membersByGroupId?limit=1&start=1');
    const second = get(`/wiki${first.json._links.next as string}`);
    expect(second.json.results.map((u: Json) => u.accountId)).toEqual(['acc-dave']);
    expect(second.json._links.next).toBeUndefined();
  });
});

describe('footer comments', () => {
  it('lists seeded top-level comments and their replies', () => {
    const top = get('/wiki/api/v2/pages/2001/footer-comments?body-format=storage');
    expect(ids(top)).toEqual(['5001']);
    expect(top.json.results[0]).toMatchObject({ pageId: '2001', version: { authorId: 'acc-carol' } });
    expect(ids(get('/wiki/api/v2/footer-comments/5001/children'))).toEqual(['5002']);
  });

  it('creates a comment as the app and a reply as a user', () => {
    const created = post('/wiki/api/v2/footer-comments', { pageId: '2002', body: { representation: 'storage', value: '<p>Approved</p>' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ pageId: '2002', version: { authorId: site.appUser.accountId }, body: { storage: { value: '<p>Approved</p>' } } });

    const reply = post(
      '/wiki/api/v2/footer-comments',
      { parentCommentId: created.json.id, body: { representation: 'storage', value: '<p>Thanks</p>' } },
      'acc-bob',
    );
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ pageId: '2002', parentCommentId: created.json.id });
    expect(ids(get('/wiki/api/v2/pages/2002/footer-comments'))).toEqual([created.json.id]);
  });

  it('refuses comments from users without the comment permission, and bad bodies', () => {
    const body = { pageId: '2001', body: { representation: 'storage', value: '<p>hi</p>' } };
    expect(post('/wiki/api/v2/footer-comments', body, 'acc-erin').status).toBe(403);
    expect(post('/wiki/api/v2/footer-comments', { ...body, pageId: '2012' }, 'acc-erin').status).toBe(404);
    expect(post('/wiki/api/v2/footer-comments', { pageId: '2001', body: { representation: 'wiki', value: 'x' } }).status).toBe(400);
    expect(post('/wiki/api/v2/footer-comments', 'not json').status).toBe(400);
  });
});

describe('robustness and counting', () => {
  it('answers unknown paths and wrong methods in Confluence shape', () => {
    const r = get('/wiki/api/v2/whatever');
    expect(r.status).toBe(404);
    expect(r.json.errors[0].code).toBe('NOT_FOUND');
    expect(site.handleHttp('DELETE', '/wiki/api/v2/pages/2001', undefined, null).status).toBe(405);
    expect(get('/wiki/api/v2/pages/%E0%A4%A').status).toBe(400);
  });

  it('takes one trailing slash and decodes path parameters once', () => {
    expect(get('/wiki/api/v2/pages/2001/').json.id).toBe('2001');
    expect(get('/wiki/api/v2/pages/%32%30%30%31').json.id).toBe('2001');
    expect(site.handleHttp('POST', '/wiki/api/v2/pages/2001/versions/', undefined, null).status).toBe(405);
  });

  it('counts every call, per endpoint, and resets', () => {
    get('/wiki/api/v2/pages?id=2001');
    get('/wiki/api/v2/pages?id=2002');
    get('/wiki/api/v2/pages/2001');
    get('/nope');
    expect(site.calls.total).toBe(4);
    expect(site.calls.byEndpoint['GET /wiki/api/v2/pages']).toBe(2);
    expect(site.calls.byEndpoint['GET /wiki/api/v2/pages/{id}']).toBe(1);
    site.resetCalls();
    expect(site.calls).toEqual({ total: 0, byEndpoint: {} });
  });
});

describe('v1 content labels (the Automation label bridge writes them as the app)', () => {
  const del = (path: string, actor: string | null = null) => site.handleHttp('DELETE', path, undefined, actor);
  const labelsOf = (pageId: string) => site.getPage(pageId)!.labels ?? [];

  it('adds for a user who may edit the page, keeping the others and never doubling one; removes by name, 404 once gone', () => {
    const added = post('/wiki/rest/api/content/2001/label', [{ prefix: 'global', name: 'af-approved' }], 'acc-bob');
    expect(added.status).toBe(200);
    expect(added.json.results.map((l: Json) => l.name)).toEqual(['af-approved']);
    expect(post('/wiki/rest/api/content/2001/label', { prefix: 'global', name: 'af-approved' }, 'acc-bob').status).toBe(200);
    site.changeLabels('2001', 'acc-alice', { add: ['keep-me'], remove: [] });
    expect(labelsOf('2001')).toEqual(['af-approved', 'keep-me']);

    expect(del('/wiki/rest/api/content/2001/label?name=af-approved', 'acc-bob').status).toBe(204);
    expect(labelsOf('2001')).toEqual(['keep-me']);
    expect(del('/wiki/rest/api/content/2001/label?name=af-approved', 'acc-bob').status).toBe(404);
  });

  it('needs the right to edit the page (the seeded app user only reads and comments), and a page the caller cannot see is 404', () => {
    expect(post('/wiki/rest/api/content/2001/label', [{ prefix: 'global', name: 'x' }]).status).toBe(403);
    expect(post('/wiki/rest/api/content/2001/label', [{ prefix: 'global', name: 'x' }], 'acc-erin').status).toBe(403);
    expect(post('/wiki/rest/api/content/2012/label', [{ prefix: 'global', name: 'x' }], 'acc-carol').status).toBe(404);
    expect(del('/wiki/rest/api/content/2012/label?name=x', 'acc-carol').status).toBe(404);
    expect(labelsOf('2001')).toEqual([]);
  });

  it('refuses a body that is not global labels', () => {
    expect(post('/wiki/rest/api/content/2001/label', [{ prefix: 'my', name: 'x' }], 'acc-bob').status).toBe(400);
    expect(post('/wiki/rest/api/content/2001/label', [{ prefix: 'global', name: 'Has Space' }], 'acc-bob').status).toBe(400);
    expect(del('/wiki/rest/api/content/2001/label', 'acc-bob').status).toBe(400);
  });
});
