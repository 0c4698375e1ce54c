/**
 * The local site's in-process transport answers as Confluence answers the identity of each request
 * (`ConfluenceRequest.actAs`): the app's bot user by default, a named user exactly as that user.
 */
import { createLocalSite } from '../../local/site';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('local site transport', () => {
  it('acts as the app user when actAs is absent or "app": page 2012 is invisible', async () => {
    const transport = createLocalSite().transport();
    for (const actAs of [undefined, 'app' as const]) {
      const list = await transport.request({ method: 'GET', path: '/wiki/api/v2/pages?id=2001&id=2012', actAs });
      expect((list.body as Json).results.map((p: Json) => p.id)).toEqual(['2001']);
      expect((await transport.request({ method: 'GET', path: '/wiki/api/v2/pages/2012', actAs })).status).toBe(404);
    }
  });

  it('acts as exactly the named user', async () => {
    const transport = createLocalSite().transport();
    const asBob = await transport.request({ method: 'GET', path: '/wiki/api/v2/pages/2012', actAs: { accountId: 'acc-bob' } });
    expect(asBob.status).toBe(200);
    const asErin = await transport.request({ method: 'GET', path: '/wiki/api/v2/pages/2012', actAs: { accountId: 'acc-erin' } });
    expect(asErin.status).toBe(404);
    const me = await transport.request({ method: 'GET', path: '/wiki/rest/api/user/current', actAs: { accountId: 'acc-carol' } });
    expect((me.body as Json).accountId).toBe('acc-carol');
    const ghost = await transport.request({ method: 'GET', path: '/wiki/api/v2/pages/2001', actAs: { accountId: 'acc-ghost' } });
    expect(ghost.status).toBe(401);
  });

  it('writes as the acting identity: an app comment is authored by the app user', async () => {
    const site = createLocalSite();
    const created = await site.transport().request({ method: 'POST', path: '/wiki/api/v2/footer-comments', body: { pageId: '2001', body: { representation: 'storage', value: '<p>x</p>' } } });
    expect(created.status).toBe(201);
    expect((created.body as Json).version.authorId).toBe(site.appUser.accountId);
  });

  it('answers every Nth call 429 with Retry-After when the fault knob is set', async () => {
    const transport = createLocalSite({ faults: { rateLimitEvery: 3, retryAfterSeconds: 2 } }).transport();
    const statuses: number[] = [];
    let limited: Json | undefined;
    for (let i = 0; i < 6; i++) {
      const r = await transport.request({ method: 'GET', path: '/wiki/api/v2/pages/2001' });
      statuses.push(r.status);
      if (r.status === 429) limited = { headers: r.headers, body: r.body };
    }
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    expect(limited?.headers['retry-after']).toBe('2');
    expect(limited?.body).toEqual({ errors: [{ status: 429, code: 'TOO_MANY_REQUESTS', title: 'Too Many Requests', detail: 'Rate limit exceeded.' }] });
  });
});
