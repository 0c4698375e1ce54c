/**
 * Fast bulk seeding for the growth benchmarks. Audit records go through the real AuditTrail
 * (prepareAppend + one store.transact of up to MAX_AUDIT_ENTRIES entries, then the sequencer), so entities,
 * markers, links and the hash chain are exactly what the engine and the sequencer write. Change sets are written under the engine's own keys
 * (src/core/services/keys.ts: primary + `all` and `open` list copies), without going through
 * create(), to keep 10k of them inside the time budget; their audit records are not needed here.
 */
import { AuditTrail } from '../src/core/audit';
import type { AuditEntry } from '../src/core/audit';
import type { AuditAction, ChangeSet } from '../src/core/domain/model';
import { STORE_LIMITS, type KeyValueStore, type TxOp } from '../src/core/ports/store';
import { MAX_AUDIT_ENTRIES, auditOpsFor } from '../src/core/audit/append';
import { keys } from '../src/core/services/keys';
import { CounterIds } from './support';

export const AUDIT_T0 = Date.UTC(2026, 0, 1);
/** One audit record per simulated second. */
export const AUDIT_STEP_MS = 1000;
export const AUDIT_ACTORS = ['acc-alice', 'acc-bob', 'acc-carol', 'acc-dave', 'acc-erin'];
export const AUDIT_SPACES = 10;
const ACTIONS: AuditAction[] = ['approval.submitted', 'approval.approved', 'changeset.created', 'changeset.updated', 'approval.rejected', 'assignment.changed'];

/** Record i (0-based): 5 actors, 10 spaces, 997 pages, half API (7 clients), every 4th in one of 331 change sets. */
function entryOf(i: number): AuditEntry {
  const api = i % 2 === 1;
  return {
    actor: AUDIT_ACTORS[i % AUDIT_ACTORS.length],
    action: ACTIONS[i % ACTIONS.length],
    spaceId: `sp-${i % AUDIT_SPACES}`,
    pageId: `p-${i % 997}`,
    pageVersion: 1 + (i % 5),
    ...(i % 4 === 0 ? { changeSetId: `cs-${i % 331}` } : {}),
    source: api ? 'api' : 'ui',
    ...(api ? { clientId: `client-${i % 7}` } : {}),
    details: { bench: true, n: i },
  };
}

/**
 * A chain the benchmark can grow: `growTo(n)` appends records until the chain holds n. The clock
 * advances one step per record; the records of one append share its time (one commit, one time), that
 * of its last record, so record seq s has at within 12 steps after AUDIT_T0 + s * AUDIT_STEP_MS.
 */
export class AuditSeeder {
  private count = 0;
  private now = AUDIT_T0;
  private readonly trail: AuditTrail;

  constructor(private readonly store: KeyValueStore) {
    this.trail = new AuditTrail({ store, clock: { now: () => this.now }, ids: new CounterIds('a') });
  }

  get size(): number {
    return this.count;
  }

  async growTo(target: number): Promise<void> {
    while (this.count < target) {
      // as many as one append holds (an entry that yields a feed event takes a second op)
      const entries: AuditEntry[] = [];
      while (this.count + entries.length < target && entries.length < MAX_AUDIT_ENTRIES && auditOpsFor([...entries, entryOf(this.count + entries.length)]) <= STORE_LIMITS.maxTransactionOps) {
        entries.push(entryOf(this.count + entries.length));
      }
      const n = entries.length;
      this.now += n * AUDIT_STEP_MS;
      await this.store.transact(this.trail.prepareAppend(entries));
      this.count += n;
    }
    // Chained as the sweep would leave them (lists show the same either way).
    while ((await this.trail.sequence({ maxBatches: 1000 })).remaining > 0);
  }
}

/** Open change sets number `from`..`to - 1` in `spaceId`, each with the same 5 seed pages, 8 per transaction (24 ops). */
export async function seedChangeSets(store: KeyValueStore, spaceId: string, from: number, to: number, createdBy: string): Promise<void> {
  const base = Date.UTC(2026, 0, 1);
  let ops: TxOp[] = [];
  for (let i = from; i < to; i++) {
    const createdAt = base + i * 1000;
    const cs: ChangeSet = {
      id: `cs-seed-${i}`,
      spaceId,
      title: `Seeded change set ${i}`,
      summary: '',
      pageRefs: ['2001', '2002', '2003', '2004', '2005'].map((pageId) => ({ pageId })),
      status: 'open',
      createdAt,
      createdBy,
      updatedAt: createdAt,
      updatedBy: createdBy,
      version: 1,
    };
    ops.push(
      { op: 'put', key: keys.changeSet(cs.id), value: cs, condition: { kind: 'absent' } },
      { op: 'put', key: keys.changeSetBySpace(spaceId, 'open', createdAt, cs.id), value: cs },
      { op: 'put', key: keys.changeSetBySpace(spaceId, 'all', createdAt, cs.id), value: cs },
    );
    if (ops.length >= 24) {
      await store.transact(ops);
      ops = [];
    }
  }
  if (ops.length > 0) await store.transact(ops);
}
