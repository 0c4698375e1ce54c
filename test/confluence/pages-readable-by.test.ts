/**
 * Approver visibility for preflight warnings: ONE batched page read made as the approver
 * (impersonation) answers which pages they can read, restrictions included; where the app may not
 * act as them, the adapter says so (undefined) and makes no call, so the engine falls back to one
 * permission check per page.
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import type { ConfluenceAccess } from '../../src/adapters/confluence/access';
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { APP_USER, StrictConfluence } from './strict-confluence';

const pages = [
  { id: '2001', spaceId: '1001', status: 'current' as const, editors: ['acc-bob'] },
  { id: '2012', spaceId: '1001', status: 'current' as const, viewers: ['acc-bob'], editors: ['acc-bob'] },
  { id: '2011', spaceId: '1001', status: 'draft' as const, viewers: ['acc-bob', APP_USER], editors: ['acc-bob'] },
];

const access = (impersonation: boolean): ConfluenceAccess => ({
  actingAccountId: 'acc-bob',
  impersonation,
  appUserIsConfluenceAdmin: false,
  gate: new CallGate({ sleep: async () => undefined }),
});

it('reads the pages once, as the approver, and leaves out the restricted page they cannot see', async () => {
  const confluence = new StrictConfluence({ pages });
  const site = new RestConfluenceSite(confluence, access(true));
  expect([...((await site.pagesReadableBy('acc-erin', ['2001', '2012'])) ?? [])].sort()).toEqual(['2001']);
  expect([...((await site.pagesReadableBy('acc-bob', ['2001', '2012'])) ?? [])].sort()).toEqual(['2001', '2012']);
  expect(confluence.requests.map((r) => [r.method, r.path.split('?')[0], r.actAs])).toEqual([
    ['GET', '/wiki/api/v2/pages', { accountId: 'acc-erin' }],
    ['GET', '/wiki/api/v2/pages', { accountId: 'acc-bob' }],
  ]);
});

it('a draft is never listed, so it reads as not visible', async () => {
  const site = new RestConfluenceSite(new StrictConfluence({ pages }), access(true));
  expect([...((await site.pagesReadableBy('acc-bob', ['2011'])) ?? ['x'])]).toEqual([]);
});

it('without impersonation it cannot answer for another user, and asks nobody', async () => {
  const confluence = new StrictConfluence({ pages });
  const site = new RestConfluenceSite(confluence, access(false));
  expect(await site.pagesReadableBy('acc-erin', ['2001'])).toBeUndefined();
  expect(confluence.requests).toEqual([]);
  // the acting user can still be asked as themselves
  expect([...((await site.pagesReadableBy('acc-bob', ['2001'])) ?? [])]).toEqual(['2001']);
});
