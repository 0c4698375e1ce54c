/**
 * Page versions on the local site as Confluence answers them (SPEC 2.4a needs them for hashes, diffs
 * and restore): every version's storage body, the v2 update (PUT) with its version rule, and an edit
 * that changes only the title or nothing at all still being a new version with a page-updated event.
 */
import { createLocalSite, type LocalSite } from '../../local/site';
import type { PageUpdatedEvent } from '../../local/site/model';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let site: LocalSite;
let events: PageUpdatedEvent[];
beforeEach(() => {
  site = createLocalSite({ baseUrl: 'http://local.test/wiki' });
  events = [];
  site.onPageUpdated((e) => void events.push(e));
});

const call = (method: string, path: string, body: unknown, actor: string | null) => {
  const r = site.handleHttp(method, path, body, actor);
  return { status: r.status, json: r.body as Json };
};

describe('GET /wiki/api/v2/pages/{id}?version=n&body-format=storage', () => {
  it('answers each version with its own title and storage body', () => {
    const v1 = call('GET', '/wiki/api/v2/pages/2003?version=1&body-format=storage', undefined, 'acc-bob');
    const v4 = call('GET', '/wiki/api/v2/pages/2003?version=4&body-format=storage', undefined, 'acc-bob');
    expect(v1.json).toMatchObject({ id: '2003', version: { number: 1 }, body: { storage: { representation: 'storage' } } });
    expect(v1.json.body.storage.value).not.toContain('Revision');
    expect(v4.json.body.storage.value).toContain('Revision 4');
  });

  it('hides every version of a restricted page from a user who cannot see it, as if missing', () => {
    expect(call('GET', '/wiki/api/v2/pages/2012?version=1&body-format=storage', undefined, 'acc-carol').status).toBe(404);
    expect(call('GET', '/wiki/api/v2/pages/2012?version=1&body-format=storage', undefined, 'acc-bob').status).toBe(200);
  });
});

describe('PUT /wiki/api/v2/pages/{id}', () => {
  const update = (version: number, actor: string, title = 'Release process') =>
    call('PUT', '/wiki/api/v2/pages/2003', { id: '2003', status: 'current', title, body: { representation: 'storage', value: '<p>restored</p>' }, version: { number: version, message: 'restore' } }, actor);

  it('writes the next version as the caller and fires the page-updated event', async () => {
    const r = update(5, 'acc-bob');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: '2003', version: { number: 5, authorId: 'acc-bob', message: 'restore' }, body: { storage: { value: '<p>restored</p>' } } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((e) => [e.pageId, e.version, e.authorId])).toEqual([['2003', 5, 'acc-bob']]);
  });

  it('refuses a version number that is not current + 1 (409), and writes nothing', () => {
    expect(update(4, 'acc-bob').status).toBe(409);
    expect(update(7, 'acc-bob').status).toBe(409);
    expect(site.getPage('2003')!.versions).toHaveLength(4);
  });

  it('refuses a reader who may not edit (403) and an invisible page (404)', () => {
    expect(update(5, 'acc-erin').status).toBe(403);
    const hidden = call('PUT', '/wiki/api/v2/pages/2012', { status: 'current', title: 'x', body: { representation: 'storage', value: '' }, version: { number: 3 } }, 'acc-carol');
    expect(hidden.status).toBe(404);
  });
});

describe('local edits that change little', () => {
  it('an edit that changes nothing is still a new version with an event', async () => {
    const before = site.getPage('2001')!.versions.at(-1)!;
    const event = await site.editPage('2001', { accountId: 'acc-bob' });
    const after = site.getPage('2001')!.versions.at(-1)!;
    expect(event.version).toBe(before.number + 1);
    expect([after.title, after.body]).toEqual([before.title, before.body]);
    expect(events).toHaveLength(1);
  });

  it('an edit of only the title keeps the body', async () => {
    const before = site.getPage('2001')!.versions.at(-1)!;
    await site.editPage('2001', { accountId: 'acc-bob', title: 'Architecture overview (2026)' });
    const after = site.getPage('2001')!.versions.at(-1)!;
    expect(after.title).toBe('Architecture overview (2026)');
    expect(after.body).toBe(before.body);
  });
});
