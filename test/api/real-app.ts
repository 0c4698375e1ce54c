/**
 * The REST handlers over the REAL engine: createEngine + MemoryStore + RestConfluenceSite over the
 * local site's in-process transport, seeded with the SPEC §7.1 workflows.
 */
import { testAppAccount } from './helpers';
import { callerBoundEngine, perInvocationEngines } from '../support/caller-bound-engine';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { RandomIds } from '../../src/adapters/system/random-ids';
import { AuditTrail } from '../../src/core/audit';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { AuditRecord, Workflow } from '../../src/core/domain/model';
import type { KeyValueStore, TxOp } from '../../src/core/ports/store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { seedWorkflows, type EngineDeps } from '../../src/core/services';
import { createApiHandlers } from '../../src/transport/api';
import type { RateLimits } from '../../src/transport/shared/rate-limit';
import { createLocalSite } from '../../local/site';
import type { LocalSiteSeed } from '../../local/site/model';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import { profileFromEnv } from '../../local/profile';
import { DEFAULT_INDEX_LAG_MS, EventualIndexStore, storeForProfile } from '../../src/adapters/store/eventual-index-store';

/** Delegates to a store and remembers every key ever written, so tests can snapshot the whole state. */
export class TrackingStore extends StoreDecorator {
  private readonly written = new Set<string>();

  /** `settle`: waits out an eventual index's lag (strict profile) before the whole trail is read. */
  constructor(
    inner: KeyValueStore,
    private readonly settle: () => void = () => {},
  ) {
    super(inner);
  }

  override async transact(ops: TxOp[]): Promise<void> {
    await this.inner.transact(ops);
    // Audit records (af-audit) are checked separately; other entity items are domain state.
    for (const op of ops) if (op.op !== 'check' && op.entity !== AUDIT_ENTITY) this.written.add(op.entity ? `${op.entity}|${op.key}` : op.key);
  }

  /**
   * Every stored item except the audit trail (refusals are recorded there as access.denied, checked
   * separately), the per-caller denial counter that aggregates them (deny-state:), idempotency
   * records, rate-limit windows and the cursor secret (transport bookkeeping, not domain state).
   */
  async stateSnapshot(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.written].sort()) {
      // Bookkeeping, not domain state: audit trail, denial counters, idempotency records, rate-limit windows, edge secrets.
      if (['audit:', 'deny-state:', 'deny-pending:', 'idem:', 'rl:', 'edge:'].some((prefix) => key.startsWith(prefix))) continue;
      const [entity, entityKey] = key.includes('|') ? key.split('|') : [undefined, key];
      if (entity) {
        out[key] = (await this.inner.getEntities(entity, [entityKey]))[0]?.value ?? null;
        continue;
      }
      const item = await this.inner.get(key);
      out[key] = item ? { version: item.version, value: item.value } : null;
    }
    return out;
  }

  /** Audit records so far, in order (sequenced first, as the admin read paths do). */
  async auditRecords(): Promise<AuditRecord[]> {
    const trail = new AuditTrail({ store: this.inner, clock: { now: () => Date.now() }, ids: new RandomIds() });
    while ((await trail.sequence()).remaining > 0);
    // the records just linked are listed linked once the index caught up with their rewrite
    this.settle();
    const records: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await trail.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return records.sort((a, b) => a.seq - b.seq);
  }
}

/** SPEC §7.1 workflows (fixed ids), as the local runtime seeds them. */
function seedWorkflowsOf(now: number): Workflow[] {
  const base = { enabled: true, owners: [], allowSelfApproval: false, createdAt: now, createdBy: 'system', updatedAt: now, updatedBy: 'system', version: 1 };
  return [
    { ...base, id: 'wf-eng-review', spaceId: '1001', name: 'Engineering review', steps: [{ approvers: ['acc-carol', 'acc-dave'], mode: 'any' }] },
    { ...base, id: 'wf-docs-quick', spaceId: '1002', name: 'Docs quick review', steps: [{ approvers: ['acc-carol'], mode: 'any' }] },
    {
      ...base,
      id: 'wf-docs-legal',
      spaceId: '1002',
      name: 'Docs legal review',
      steps: [
        { approvers: ['acc-carol'], mode: 'any' },
        { approvers: ['acc-alice', 'acc-dave'], mode: 'all' },
      ],
    },
  ];
}

/** Tests not about throttling get limits they never meet; test/security/api-rate-limit.test.ts passes the real ones. */
const UNLIMITED = { max: 1_000_000, windowSeconds: 60 };
const UNTHROTTLED: RateLimits = { writesPerUser: UNLIMITED, writesPerClient: UNLIMITED, deniedPerUser: UNLIMITED };

/** `profile`: the platform profile of app and site (default: env AF_PROFILE); `seed`: the site's content (default: SPEC §7.1). */
export async function createRealApi(options: { rateLimits?: RateLimits; profile?: PlatformProfile; seed?: LocalSiteSeed } = {}) {
  const profile = options.profile ?? profileFromEnv();
  const site = createLocalSite({ profile, ...(options.seed ? { seed: options.seed } : {}) });
  const clock = { now: () => Date.now() };
  // AF_PROFILE=strict: index queries lag writes as on Forge
  const base = new MemoryStore();
  const indexed = storeForProfile(base, profile, { clock, lagMs: DEFAULT_INDEX_LAG_MS });
  /** Waits out the index lag (AF_PROFILE=strict): for reads documented as allowed to lag a write. */
  const settleIndexes = (): void => {
    if (indexed instanceof EventualIndexStore) indexed.settle();
  };
  const store = new TrackingStore(indexed, settleIndexes);
  const deps: EngineDeps = { store, secrets: base, confluence: new RestConfluenceSite(site.transport()), clock, ids: new RandomIds() };
  const engines = perInvocationEngines(deps, site, profile, 'apiRoute');
  const engine = callerBoundEngine((caller) => engines(caller ? { actingAccountId: caller.accountId } : {}));
  // seeded on the inner store: the seed stands for the site's past, long indexed
  await seedWorkflows({ ...deps, store: base }, seedWorkflowsOf(deps.clock.now()));
  const handlers = createApiHandlers(engines, { store, rateLimits: options.rateLimits ?? UNTHROTTLED, appAccountId: testAppAccount });
  return { site, store, engine, handlers, settleIndexes };
}
