/**
 * Forge-faithful store for the cost sections (issue 23): the real `ForgeKvsStore` and the real
 * @forge/kvs client over the in-memory fake of the KVS HTTP API (test/support/fake-forge-kvs.ts).
 * Every HTTP request the client sends is one Forge round trip, so what is counted here is what
 * Forge would see, including `batchGet`s the store makes on its own (which `CountingStore`, a
 * decorator of the store interface, cannot see). Forge rate-limits storage in 10 KB request units
 * (a request of 0–10 KB is 1 unit, 65 KB is 7): writes by the transaction's payload, reads by the
 * answer's size. Optionally every request first waits a latency sample (`setLatency`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ForgeKvsStore } from '../src/adapters/forge/forge-kvs-store';
import type { PlatformProfile } from '../src/adapters/platform-profile';
import { DEFAULT_INDEX_LAG_MS, EventualIndexStore } from '../src/adapters/store/eventual-index-store';
import type { Clock } from '../src/core/ports/clock';
import type { KeyValueStore } from '../src/core/ports/store';
import { installFakeForgeKvs } from '../test/support/fake-forge-kvs';
import type { FakeForgeKvs } from '../test/support/fake-forge-kvs';

export const FORGE_UNIT_BYTES = 10 * 1024;
const WRITE_PATH = '/api/v1/transaction';
const PRE_READ_PATH = '/api/v1/batch/get';

export interface ForgeCounts {
  /** every HTTP request to Forge storage */
  roundTrips: number;
  reads: number;
  /** transactions sent (each a "write request"), failed ones included */
  writes: number;
  /** transactions Forge refused (a failed condition: wasted work) */
  failedWrites: number;
  /** put/delete ops inside the transactions that succeeded */
  writeOps: number;
  /** batch gets (both visible getMany/getEntities and the store's hidden pre-reads) */
  batchGets: number;
  readUnits: number;
  writeUnits: number;
  bytesWritten: number;
  bytesRead: number;
}

const zero = (): ForgeCounts => ({ roundTrips: 0, reads: 0, writes: 0, failedWrites: 0, writeOps: 0, batchGets: 0, readUnits: 0, writeUnits: 0, bytesWritten: 0, bytesRead: 0 });

type Fetch = (descriptor: unknown, path: string, init: { body?: string }) => Promise<Response>;

export class ForgeMeter {
  readonly store: ForgeKvsStore;
  private readonly fake: FakeForgeKvs;
  counts: ForgeCounts = zero();
  private latency: () => number = () => 0;
  /** requests made inside `uncounted` are the twin's own, not the app's */
  private readonly twin = new AsyncLocalStorage<boolean>();

  constructor() {
    this.fake = installFakeForgeKvs();
    const g = globalThis as Record<string, unknown>;
    const inner = g.__forge_fetch__ as Fetch;
    g.__forge_fetch__ = async (descriptor: unknown, path: string, init: { body?: string }) => {
      const delay = this.latency();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const response = await inner(descriptor, path, init);
      if (!this.twin.getStore()) this.observe(path, init?.body ?? '', response.status, await response.clone().text());
      return response;
    };
    // one attempt per transaction, as the product's own configuration (the default) does
    this.store = new ForgeKvsStore();
  }

  /** Each request first waits `sample()` ms (a seeded distribution, see bench/latency.ts). */
  setLatency(sample: () => number): void {
    this.latency = sample;
  }

  /** Runs `fn` without counting its requests (a twin's bookkeeping, which Forge never sees). */
  uncounted<T>(fn: () => Promise<T>): Promise<T> {
    return this.twin.run(true, fn);
  }

  /**
   * The store as the profile makes it, over this meter's store. Under `indexConsistency: eventual`
   * the twin's EventualIndexStore reads each written key first (its state before the write, which
   * its queries answer while the write lags) and reads on when lagging items leave a page short;
   * those reads are the twin's and are not counted (Forge makes none), the rest is.
   */
  storeFor(profile: PlatformProfile, clock: Clock): KeyValueStore {
    if (profile.indexConsistency !== 'eventual') return this.store;
    return new EventualIndexStore(this.store, { clock, lagMs: DEFAULT_INDEX_LAG_MS, aside: (read) => this.uncounted(read) });
  }

  reset(): ForgeCounts {
    const before = this.counts;
    this.counts = zero();
    return before;
  }

  uninstall(): void {
    this.fake.uninstall();
  }

  private observe(path: string, body: string, status: number, answer: string): void {
    const c = this.counts;
    c.roundTrips += 1;
    if (path === WRITE_PATH) {
      c.writes += 1;
      const bytes = Buffer.byteLength(body);
      c.bytesWritten += bytes;
      c.writeUnits += Math.max(1, Math.ceil(bytes / FORGE_UNIT_BYTES));
      if (status >= 400) c.failedWrites += 1;
      else c.writeOps += writeOpsOf(body);
      return;
    }
    c.reads += 1;
    if (path === PRE_READ_PATH) c.batchGets += 1;
    const bytes = Buffer.byteLength(answer);
    c.bytesRead += bytes;
    c.readUnits += Math.max(1, Math.ceil(bytes / FORGE_UNIT_BYTES));
  }
}

/** put/delete ops of a Forge transaction request (checks are not writes). */
function writeOpsOf(body: string): number {
  try {
    const parsed = JSON.parse(body) as { set?: unknown[]; delete?: unknown[] };
    return (parsed.set?.length ?? 0) + (parsed.delete?.length ?? 0);
  } catch {
    return 0;
  }
}

export const addCounts = (a: ForgeCounts, b: ForgeCounts): ForgeCounts =>
  Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof ForgeCounts] + b[k as keyof ForgeCounts]])) as unknown as ForgeCounts;
