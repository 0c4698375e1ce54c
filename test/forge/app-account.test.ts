/**
 * The app's own user, which identity.ts compares a token's `accountId` with (docs/forge-platform.md
 * U2). A warm instance keeps it in memory per installation, so a token-identified API call pays no
 * store read for it; one Forge instance may serve several installations (each with its own store),
 * so the memory must never answer one site with another's app user.
 */
import { APP_ACCOUNT_MEMO_MS, appAccountLookup } from '../../src/adapters/confluence/app-account';
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from '../../src/adapters/confluence/transport';
import { CountingStore } from '../../src/adapters/store/counting-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { KeyValueStore } from '../../src/core/ports/store';

/** Confluence's `user/current` as the app: the app user of whichever site is being served. */
class AppUserTransport implements ConfluenceTransport {
  calls = 0;
  site = 'a';
  down = false;
  async request(request: ConfluenceRequest): Promise<ConfluenceResponse> {
    this.calls += 1;
    if (this.down) return { status: 503, body: undefined };
    expect([request.path, request.actAs]).toEqual(['/wiki/rest/api/user/current', 'app']);
    return { status: 200, body: { accountId: `app-of-${this.site}` } };
  }
}

function setup() {
  const transport = new AppUserTransport();
  // one KVS per installation, as Forge scopes storage: the invocation's site picks it
  const stores = new Map([
    ['a', new CountingStore(new MemoryStore())],
    ['b', new CountingStore(new MemoryStore())],
  ]);
  const storeOf = (): CountingStore => stores.get(transport.site) as CountingStore;
  const store = new Proxy({} as KeyValueStore, { get: (_, name: keyof KeyValueStore) => (storeOf()[name] as (...a: unknown[]) => unknown).bind(storeOf()) });
  const clock = { now: 1_000_000 };
  const lookup = appAccountLookup(transport, store, () => clock.now);
  const serving = (site: string) => ((transport.site = site), `ari:cloud:confluence::site/${site}`);
  return { transport, stores, clock, lookup, serving };
}

describe('the app user lookup', () => {
  it('asks Confluence once, then answers a warm instance from memory: no store read per call', async () => {
    const { transport, stores, lookup, serving } = setup();
    const site = serving('a');
    expect(await lookup(site)).toBe('app-of-a');
    expect(transport.calls).toBe(1);
    stores.get('a')?.reset();
    expect(await lookup(site)).toBe('app-of-a');
    expect(await lookup(site)).toBe('app-of-a');
    expect(stores.get('a')?.counts.get).toBe(0);
    expect(transport.calls).toBe(1);
  });

  it("never answers one installation with another's app user", async () => {
    const { lookup, serving } = setup();
    expect(await lookup(serving('a'))).toBe('app-of-a');
    expect(await lookup(serving('b'))).toBe('app-of-b');
    expect(await lookup(serving('a'))).toBe('app-of-a');
  });

  it('reads the store again once the memory is older than its limit, and always without an installation', async () => {
    const { transport, stores, clock, lookup, serving } = setup();
    const site = serving('a');
    await lookup(site);
    stores.get('a')?.reset();
    clock.now += APP_ACCOUNT_MEMO_MS;
    expect(await lookup(site)).toBe('app-of-a');
    expect(stores.get('a')?.counts.get).toBe(1);
    await lookup(undefined);
    await lookup(undefined);
    expect(stores.get('a')?.counts.get).toBe(3);
    expect(transport.calls).toBe(1); // the store kept it
  });

  it('remembers no failure: Confluence down is a retryable 503, and the next call asks again', async () => {
    const { transport, lookup, serving } = setup();
    const site = serving('a');
    transport.down = true;
    await expect(lookup(site)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    transport.down = false;
    expect(await lookup(site)).toBe('app-of-a');
    expect(transport.calls).toBe(2);
  });
});
