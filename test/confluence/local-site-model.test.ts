/**
 * The local site's state and rules: the §7.1 seed, permission helpers, page edits that make
 * versions and fire page-updated listeners, and the App REST APIs switch.
 */
import { createLocalSite, LocalSiteError, type PageUpdatedEvent } from '../../local/site';

const fixedNow = () => new Date('2025-06-01T12:00:00.000Z');

describe('seed (SPEC §7.1)', () => {
  const site = createLocalSite();

  it('has the fixed users, groups, spaces and pages', () => {
    // the §7.1 users, then the extension: acc-frank, a space admin who is not a site admin
    expect(site.users.map((u) => u.accountId)).toEqual(['acc-alice', 'acc-bob', 'acc-carol', 'acc-dave', 'acc-erin', 'acc-frank']);
    expect(site.groups).toEqual([
      { id: 'grp-eng-reviewers', name: 'eng-reviewers', members: ['acc-carol', 'acc-dave'] },
      { id: 'grp-site-admins', name: 'site-admins', members: ['acc-alice'] },
      { id: 'grp-legal-reviewers', name: 'legal-reviewers', members: ['acc-alice', 'acc-erin'] },
    ]);
    expect(site.spaces.map((s) => [s.id, s.key])).toEqual([
      ['1001', 'ENG'],
      ['1002', 'DOCS'],
    ]);
    expect(site.listSpacePages('1001').map((p) => p.id)).toEqual(
      ['2001', '2002', '2003', '2004', '2005', '2006', '2007', '2008', '2009', '2010', '2011', '2012'],
    );
    expect(site.listSpacePages('1002').map((p) => p.id)).toEqual(['3001', '3002', '3003', '3004', '3005']);
    expect(site.getPage('2011')?.status).toBe('draft');
    expect(site.listComments('2001')).toHaveLength(2);
  });

  it('grants the §7.1 permissions', () => {
    expect(site.isSiteAdmin('acc-alice')).toBe(true);
    expect(site.isSiteAdmin('acc-bob')).toBe(false);
    expect(site.isSpaceAdmin('acc-alice', '1001') && site.isSpaceAdmin('acc-alice', '1002')).toBe(true);
    expect(site.isSpaceAdmin('acc-bob', '1001')).toBe(false);

    expect(site.canEdit('acc-bob', '2001') && site.canEdit('acc-bob', '3001')).toBe(true);
    for (const reviewer of ['acc-carol', 'acc-dave']) {
      expect(site.canView(reviewer, '2001') && site.canView(reviewer, '3001')).toBe(true);
      expect(site.canEdit(reviewer, '2001')).toBe(false);
    }
    expect(site.canView('acc-erin', '2001')).toBe(true);
    expect(site.canView('acc-erin', '3001')).toBe(false);
    expect(site.canView('acc-erin', '2012')).toBe(false);
    expect(['2001', '2010', '2012'].some((id) => site.canEdit('acc-erin', id))).toBe(false);

    expect(site.canView('acc-alice', '2012') && site.canEdit('acc-bob', '2012')).toBe(true);
    expect(site.canView('acc-carol', '2012')).toBe(false);
    expect(site.canView('acc-nobody', '2001')).toBe(false);
  });

  it('seeds acc-frank: space admin of DOCS only, views and edits DOCS, not a site admin', () => {
    expect(site.isSpaceAdmin('acc-frank', '1002')).toBe(true);
    expect(site.isSpaceAdmin('acc-frank', '1001')).toBe(false);
    expect(site.isSiteAdmin('acc-frank')).toBe(false);
    expect(site.canEdit('acc-frank', '3001')).toBe(true);
    expect(site.canView('acc-frank', '2001')).toBe(false);
  });

  it('makes the app user neither part of page 2012 nor a Confluence admin (unless the profile says so)', () => {
    expect(site.canView(site.appUser.accountId, '2001')).toBe(true);
    expect(site.canView(site.appUser.accountId, '2012')).toBe(false);
    expect(site.canView(site.appUser.accountId, '2011')).toBe(false);
    expect(site.isSiteAdmin(site.appUser.accountId)).toBe(false);
  });

  it('builds a fresh seed per site', () => {
    const a = createLocalSite();
    const b = createLocalSite();
    a.getPage('2001')?.versions.pop();
    expect(b.getPage('2001')?.versions).toHaveLength(3);
  });
});

describe('editPage', () => {
  it('creates version n+1 and fires page-updated listeners', async () => {
    const site = createLocalSite({ now: fixedNow });
    const events: PageUpdatedEvent[] = [];
    site.onPageUpdated((e) => {
      events.push(e);
    });

    const event = await site.editPage('2001', { accountId: 'acc-bob', body: '<p>new</p>', message: 'typo' });

    expect(event).toEqual({
      pageId: '2001',
      spaceId: '1001',
      spaceKey: 'ENG',
      title: 'Architecture overview',
      version: 4,
      authorId: 'acc-bob',
      message: 'typo',
      createdAt: '2025-06-01T12:00:00.000Z',
    });
    expect(events).toEqual([event]);
    const page = site.getPageForRender('2001');
    expect(page).toMatchObject({ version: 4, bodyStorage: '<p>new</p>', title: 'Architecture overview', versionAuthorId: 'acc-bob' });
    expect(page?.versions.map((v) => v.number)).toEqual([1, 2, 3, 4]);
    // the REST surface sees the new version too
    const r = site.handleHttp('GET', '/wiki/api/v2/pages/2001', undefined, null).body as { version: { number: number } };
    expect(r.version.number).toBe(4);
  });

  it('keeps the title when only the body changes, and changes it when given', async () => {
    const site = createLocalSite();
    await site.editPage('3002', { accountId: 'acc-alice', title: 'Release notes 1.0.1' });
    expect(site.getPageForRender('3002')).toMatchObject({ title: 'Release notes 1.0.1', version: 2 });
  });

  it('refuses users who cannot edit, without a new version or event', async () => {
    const site = createLocalSite();
    const listener = jest.fn();
    site.onPageUpdated(listener);
    await expect(site.editPage('2001', { accountId: 'acc-erin', body: 'x' })).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    await expect(site.editPage('2012', { accountId: 'acc-carol' })).rejects.toBeInstanceOf(LocalSiteError);
    await expect(site.editPage('9999', { accountId: 'acc-bob' })).rejects.toMatchObject({ status: 404 });
    await expect(site.editPage('2001', { accountId: 'acc-bob', title: '  ' })).rejects.toMatchObject({ status: 400 });
    expect(site.getPageForRender('2001')?.version).toBe(3);
    expect(listener).not.toHaveBeenCalled();
  });

  it('waits for async listeners; a failing one is reported and does not undo the edit', async () => {
    const reported: unknown[] = [];
    const site = createLocalSite({ onListenerError: (error) => reported.push(error) });
    let slowDone = false;
    site.onPageUpdated(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      slowDone = true;
    });
    site.onPageUpdated(() => {
      throw new Error('trigger failed');
    });
    await site.editPage('2002', { accountId: 'acc-bob', body: '<p>b</p>' });
    expect(slowDone).toBe(true);
    expect(reported).toEqual([new Error('trigger failed')]);
    expect(site.getPageForRender('2002')?.version).toBe(3);
  });

  it('fires no event for a draft save, and unsubscribes', async () => {
    const site = createLocalSite();
    const listener = jest.fn();
    const off = site.onPageUpdated(listener);
    await site.editPage('2011', { accountId: 'acc-bob', body: '<p>still a draft</p>' });
    expect(site.getPageForRender('2011')?.version).toBe(2);
    expect(listener).not.toHaveBeenCalled();
    off();
    await site.editPage('2001', { accountId: 'acc-bob', body: '<p>x</p>' });
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('App REST APIs switch', () => {
  it('is on by default and can be flipped', () => {
    const site = createLocalSite();
    expect(site.appRestApisEnabled).toBe(true);
    site.setAppRestApisEnabled(false);
    expect(site.appRestApisEnabled).toBe(false);
  });
});

describe('transport()', () => {
  it('never shares objects with the site', async () => {
    const site = createLocalSite();
    const response = await site.transport().request({ method: 'GET', path: '/wiki/api/v2/pages/2012', actAs: { accountId: 'acc-bob' } });
    expect(response.status).toBe(200);
    (response.body as { title: string }).title = 'changed';
    expect(site.getPageForRender('2012')?.title).toBe('Compensation bands');
    expect(site.calls.byEndpoint['GET /wiki/api/v2/pages/{id}']).toBe(1);
  });
});
