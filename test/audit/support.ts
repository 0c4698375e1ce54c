/** Shared fixtures for the audit trail tests: deterministic clock/ids, entry generator, brute-force model. */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { AuditTrail, type AuditEntry } from '../../src/core/audit';
import { linksOf, parseLinkItem } from '../../src/core/audit/chain-read';
import { PENDING_PREFIX, linkBlockPrefix } from '../../src/core/audit/keys';
import { recordOfEntity } from '../../src/core/audit/records';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { AuditAction, AuditFilter, AuditRecord } from '../../src/core/domain/model';
import type { Clock, IdGenerator } from '../../src/core/ports/clock';
import { StoreError, type KeyValueStore, type StoredItem } from '../../src/core/ports/store';

export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.t;
  }
}

export class CountingIds implements IdGenerator {
  private n = 0;
  next(prefix = 'id'): string {
    this.n += 1;
    return `${prefix}-${this.n}`;
  }
}

export function setup(store: KeyValueStore = new MemoryStore()): { store: KeyValueStore; clock: ManualClock; trail: AuditTrail } {
  const clock = new ManualClock();
  return { store, clock, trail: new AuditTrail({ store, clock, ids: new CountingIds() }) };
}

/** An entry with every optional field set (the record's largest common shape). */
export const fullEntry: AuditEntry = {
  actor: 'acc-bob',
  action: 'approval.submitted',
  spaceId: '1001',
  pageId: '2001',
  pageVersion: 3,
  workflowId: 'wf-eng-review',
  changeSetId: 'cs-1',
  approvalId: 'ap-1',
  source: 'api',
  clientId: 'client-1',
  details: { title: 'Release notes', counts: { submitted: 2, skipped: 0 } },
};

/** Pending markers in the store (one per append not yet linked, or a remainder). */
export async function pendingMarkers(store: KeyValueStore): Promise<number> {
  return (await store.query({ prefix: PENDING_PREFIX, limit: 100 })).items.length;
}

export const ACTORS = ['acc-alice', 'acc-bob', 'acc-carol', 'user with spaces/é'];
export const SPACES = ['1001', '1002'];
export const PAGES = ['2001', '2002', '3001'];
export const CHANGE_SETS = ['cs-1', 'cs-2'];
export const CLIENTS = ['client-a', 'client:b'];
export const ACTIONS: AuditAction[] = ['approval.submitted', 'approval.approved', 'changeset.created', 'access.denied'];

/** Small deterministic PRNG (mulberry32) so datasets are reproducible without fast-check. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

export function randomEntry(random: () => number): AuditEntry {
  const source = random() < 0.5 ? 'ui' : 'api';
  const entry: AuditEntry = {
    actor: pick(random, ACTORS),
    action: pick(random, ACTIONS),
    spaceId: pick(random, SPACES),
    source,
    details: { n: Math.floor(random() * 1000) },
  };
  if (random() < 0.6) {
    entry.pageId = pick(random, PAGES);
    entry.pageVersion = 1 + Math.floor(random() * 5);
  }
  if (random() < 0.4) entry.changeSetId = pick(random, CHANGE_SETS);
  if (source === 'api' && random() < 0.8) entry.clientId = pick(random, CLIENTS);
  return entry;
}

/** Appends entries one transaction at a time (like the engine), advancing the clock between them. */
export async function appendAll(trail: AuditTrail, store: KeyValueStore, clock: ManualClock, entries: AuditEntry[], random: () => number): Promise<void> {
  for (const entry of entries) {
    // Some steps of 0 ms (same timestamp) and some backwards jumps (clock skew).
    const r = random();
    clock.t += r < 0.2 ? 0 : r < 0.3 ? -5_000 : Math.floor(random() * 60_000);
    await store.transact(trail.prepareAppend([entry]));
  }
}

/** Appends up to 3 entries per transaction: quick seeding of large chains. */
export async function seedMany(trail: AuditTrail, store: KeyValueStore, clock: ManualClock, count: number, random: () => number): Promise<void> {
  for (let i = 0; i < count; i += 3) {
    clock.t += Math.floor(random() * 10_000);
    const batch = Array.from({ length: Math.min(3, count - i) }, () => randomEntry(random));
    await store.transact(trail.prepareAppend(batch));
  }
}

/** Links every pending record into the chain. */
export async function sequenceAll(trail: AuditTrail): Promise<number> {
  let total = 0;
  for (;;) {
    const { sequenced, remaining } = await trail.sequence();
    total += sequenced;
    if (remaining === 0) return total;
  }
}

/** Every stored record (as list() shows it: pending ones marked) straight from the store, in key (time) order. */
export async function rawRecords(store: KeyValueStore): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 100, cursor });
    records.push(...page.items.map(recordOfEntity));
    cursor = page.nextCursor;
  } while (cursor);
  return records;
}

/** The model: what list() must return, newest first (records as rawRecords gives them, oldest first). */
export function bruteForce(records: AuditRecord[], f: AuditFilter): AuditRecord[] {
  return records
    .filter(
      (r) =>
        (f.from === undefined || r.at >= f.from) &&
        (f.to === undefined || r.at <= f.to) &&
        (f.spaceId === undefined || r.spaceId === f.spaceId) &&
        (f.pageId === undefined || r.pageId === f.pageId) &&
        (f.changeSetId === undefined || r.changeSetId === f.changeSetId) &&
        (f.actor === undefined || r.actor === f.actor) &&
        (f.action === undefined || r.action === f.action) &&
        (f.source === undefined || r.source === f.source) &&
        (f.clientId === undefined || r.clientId === f.clientId),
    )
    .reverse();
}

export const ids = (records: AuditRecord[]): string[] => records.map((r) => r.id);

/** Follows nextCursor to the end; fails on a page larger than the limit or a repeated record. */
export async function listAll(trail: AuditTrail, filter: AuditFilter, limit?: number): Promise<{ records: AuditRecord[]; pages: number }> {
  const records: AuditRecord[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await trail.list(filter, { cursor, limit });
    pages += 1;
    if (page.items.length > (limit ?? 50)) throw new Error(`page of ${page.items.length} exceeds the limit`);
    for (const r of page.items) {
      if (seen.has(r.id)) throw new Error(`record ${r.id} returned twice`);
      seen.add(r.id);
      records.push(r);
    }
    cursor = page.nextCursor;
    if (pages > 10_000) throw new Error('paging does not terminate');
  } while (cursor);
  return { records, pages };
}

export function isConflict(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'CONDITION_FAILED';
}

/** The sk of the record at `seq`, through the chain's links. */
export async function skAt(store: KeyValueStore, seq: number): Promise<string> {
  const sk = (await linksOf(store, [seq])).get(seq);
  if (typeof sk !== 'string') throw new Error(`no link for seq ${seq}`);
  return sk;
}

/** The stored link item (a block, or a per-seq link of older data) that names `seq` (a store whose queries do not lag). */
export async function linkItemAt(store: KeyValueStore, seq: number): Promise<StoredItem<{ first: number; sks: string[] }>> {
  const { items } = await store.query<{ first: number; sks: string[] }>({ prefix: linkBlockPrefix(seq), limit: 100 });
  const item = items.find((i) => {
    const link = parseLinkItem(i);
    return link?.sks !== undefined && link.first <= seq && seq < link.first + link.sks.length;
  });
  if (!item) throw new Error(`no link item for seq ${seq}`);
  return item;
}
