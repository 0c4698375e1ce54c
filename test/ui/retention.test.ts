/**
 * Retention settings through the admin page's resolvers (SPEC 2.10): site admins lengthen the windows;
 * shortening below 180 / 365 days is refused with RETENTION_TOO_SHORT and changes nothing.
 */
import { perInvocationEngines } from '../support/caller-bound-engine';
import { resolverCall, type Reply } from '../security/resolver-app';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { RandomIds } from '../../src/adapters/system/random-ids';
import { profileFromEnv } from '../../local/profile';
import { createLocalSite } from '../../local/site';
import { createResolverHandler } from '../../src/transport/resolvers';

let handler: ReturnType<typeof createResolverHandler>;

beforeEach(() => {
  const store = new MemoryStore();
  const site = createLocalSite({ profile: profileFromEnv() });
  const deps = { store, confluence: new RestConfluenceSite(site.transport()), clock: new SystemClock(), ids: new RandomIds() };
  handler = createResolverHandler(perInvocationEngines(deps, site, profileFromEnv(), 'resolver'), { appId: 'app-uuid', store });
});

const invoke = async (accountId: string, key: string, payload: object = {}) => (await handler(...resolverCall(accountId, key, payload))) as Reply;

describe('retention settings', () => {
  it('a site admin lengthens a window; the next read shows it', async () => {
    expect(await invoke('acc-alice', 'retention.get')).toMatchObject({ success: true, settings: { approvalRetentionDays: 180, auditRetentionDays: 365 }, lastRun: null });
    expect(await invoke('acc-alice', 'retention.update', { auditRetentionDays: 400 })).toEqual({ success: true, settings: { approvalRetentionDays: 180, auditRetentionDays: 400 } });
    expect((await invoke('acc-alice', 'retention.get')).settings).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 400 });
  });

  it('shortening below the minimum is refused with RETENTION_TOO_SHORT and the field, changing nothing', async () => {
    const short = await invoke('acc-alice', 'retention.update', { approvalRetentionDays: 179 });
    expect(short).toMatchObject({ success: false, code: 'RETENTION_TOO_SHORT', error: expect.stringContaining('180 days') });
    expect(short.details).toEqual([expect.objectContaining({ field: 'approvalRetentionDays' })]);
    expect(await invoke('acc-alice', 'retention.update', { auditRetentionDays: 364 })).toMatchObject({ success: false, code: 'RETENTION_TOO_SHORT' });
    expect(await invoke('acc-alice', 'retention.update', { auditRetentionDays: 0 })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(await invoke('acc-alice', 'retention.update', { auditRetentionDays: 400.5 })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect((await invoke('acc-alice', 'retention.get')).settings).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 365 });
  });

  it('someone who is not a site admin is refused', async () => {
    expect(await invoke('acc-frank', 'retention.update', { auditRetentionDays: 999 })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect((await invoke('acc-alice', 'retention.get')).settings).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 365 });
  });
});
