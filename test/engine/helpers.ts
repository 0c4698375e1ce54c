/** Shared set-up for engine tests: the real engine over a real store and the local Confluence site. */
import { createHash } from 'node:crypto';
import { buildSeed, createLocalSite } from '../../local/site';
import type { LocalSite } from '../../local/site';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import { profileFromEnv } from '../../local/profile';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import { DomainError, type ErrorDetail } from '../../src/core/domain/errors';
import { callerBoundEngine } from '../support/caller-bound-engine';
import { AuditTrail } from '../../src/core/audit';
import type { Caller } from '../../src/core/domain/caller';
import type { AuditRecord, Workflow } from '../../src/core/domain/model';
import { assemblePack, type EvidenceBundle, type EvidenceChunk, type EvidenceScope } from '../../src/core/domain/evidence-pack-format';
import type { KeyValueStore } from '../../src/core/ports/store';
import type { JobQueue } from '../../src/core/ports/jobs';
import type { SecretStore } from '../../src/core/ports/secrets';
import { createEngine, seedWorkflows } from '../../src/core/services';
import type { Engine, EngineDeps } from '../../src/core/services';

export const ENG = '1001';
export const DOCS = '1002';
export const ALICE = 'acc-alice';
export const BOB = 'acc-bob';
export const CAROL = 'acc-carol';
export const DAVE = 'acc-dave';
export const ERIN = 'acc-erin';

export const ui = (accountId: string): Caller => ({ accountId, source: 'ui' });
export const api = (accountId: string, clientId = 'client-ci'): Caller => ({ accountId, source: 'api', clientId });

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

function seedWorkflow(id: string, spaceId: string, name: string, steps: Workflow['steps']): Workflow {
  return { id, spaceId, name, enabled: true, steps, owners: [ALICE], allowSelfApproval: false, createdAt: T0, createdBy: 'system', updatedAt: T0, updatedBy: 'system', version: 1 };
}

/** SPEC 7.1 workflows. */
export const SEED_WORKFLOWS: Workflow[] = [
  seedWorkflow('wf-eng-review', ENG, 'Engineering review', [{ approvers: [CAROL, DAVE], mode: 'any' }]),
  seedWorkflow('wf-docs-quick', DOCS, 'Docs quick', [{ approvers: [CAROL], mode: 'any' }]),
  seedWorkflow('wf-docs-legal', DOCS, 'Docs legal', [
    { name: 'Editorial', approvers: [CAROL], mode: 'any' },
    { name: 'Legal', approvers: [ALICE, DAVE], mode: 'all' },
  ]),
];

export interface TestEnv {
  site: LocalSite;
  store: KeyValueStore;
  deps: EngineDeps;
  engine: Engine;
  audit: AuditTrail;
  /** advance the fake clock */
  tick(ms?: number): void;
  logs: string[];
  /** every audit record, oldest first */
  auditRecords(): Promise<AuditRecord[]>;
}

/** The SPEC 7.1 seed plus `count` more published ENG pages (ids 4001…), copies of page 2001. */
export function seedWithExtraPages(count: number): ReturnType<typeof buildSeed> {
  const seed = buildSeed();
  const template = seed.pages.find((p) => p.id === '2001')!;
  for (let i = 1; i <= count; i++) {
    const id = String(4000 + i);
    seed.pages.push({ ...structuredClone(template), id, versions: template.versions.map((v) => ({ ...structuredClone(v), title: `Generated page ${id}` })) });
  }
  return seed;
}

export async function setup(
  options: { store?: KeyValueStore; secrets?: SecretStore; wrap?: (store: KeyValueStore) => KeyValueStore; extraPages?: number; extraUsers?: string[]; jobs?: JobQueue; seed?: ReturnType<typeof buildSeed>; siteProfile?: PlatformProfile } = {},
): Promise<TestEnv> {
  let now = T0;
  const clock = { now: () => now };
  const seed = options.seed ?? seedWithExtraPages(options.extraPages ?? 0);
  // users Confluence knows but who have no space permission (workflows may only name existing users)
  for (const accountId of options.extraUsers ?? []) seed.users.push({ accountId, displayName: `User ${accountId}`, email: `${accountId}@example.com` });
  const site = createLocalSite({ now: () => new Date(now), seed, ...(options.siteProfile ? { profile: options.siteProfile } : {}) });
  const base = options.store ?? new MemoryStore({ clock });
  let counter = 0;
  const ids = { next: (prefix = 'id') => `${prefix}-${(++counter).toString(36)}` };
  await seedWorkflows({ store: base, confluence: new RestConfluenceSite(site.transport()), clock, ids }, SEED_WORKFLOWS);
  const store = options.wrap ? options.wrap(base) : base;
  const secrets = options.secrets ?? (base instanceof MemoryStore ? base : undefined);
  const deps: EngineDeps = { store, confluence: new RestConfluenceSite(site.transport()), clock, ids, ...(options.jobs ? { jobs: options.jobs } : {}), ...(secrets ? { secrets } : {}) };
  const logs: string[] = [];
  const log = (message: string, fields: Record<string, string | number | undefined>) => logs.push(`${message} ${JSON.stringify(fields)}`);
  // One engine per call, its Confluence reads made as the caller (as production builds one per invocation).
  const engine = callerBoundEngine((caller) =>
    createEngine(
      { ...deps, confluence: new RestConfluenceSite(site.transport(), confluenceAccess(profileFromEnv(), caller ? { actingAccountId: caller.accountId } : {}, { via: caller?.source === 'api' ? 'apiRoute' : 'resolver' })) },
      { log },
    ),
  );
  const audit = new AuditTrail({ store: base, clock, ids });
  return {
    site,
    store,
    deps,
    engine,
    audit,
    logs,
    tick: (ms = 1000) => {
      now += ms;
    },
    auditRecords: async () => {
      // Sequenced first, as the admin read paths do, so seq order is commit order.
      while ((await audit.sequence()).remaining > 0);
      const out: AuditRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await audit.list({}, { limit: 100, ...(cursor ? { cursor } : {}) });
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return out.sort((a, b) => a.seq - b.seq);
    },
  };
}

/** Run a promise expected to fail with a DomainError and return its code. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  throw new Error('expected the call to fail');
}

/** Run a promise expected to be refused with a DomainError; returns what a caller can observe of it. */
export async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; message: string; details?: ErrorDetail[] }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return { status: err.status, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
    throw err;
  }
  throw new Error('expected a refusal');
}

/** An atomic change set of `pages` in ENG, created and submitted by BOB through the API; its set approval id. */
export async function submitAtomicSet(env: TestEnv, pages: string[]): Promise<string> {
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: pages.map((pageId) => ({ pageId })), approvalMode: 'atomic' });
  return (await env.engine.changeSets.submit(api(BOB), cs.id)).setApprovalId!;
}

/** From now on: `fresh(pageId)` lists the comments posted on a watched page after this call. */
export function commentsFromNow(env: TestEnv, pageIds: string[]): (pageId: string) => ReturnType<TestEnv['site']['listComments']> {
  const before = new Map(pageIds.map((p) => [p, env.site.listComments(p).length]));
  return (pageId) => env.site.listComments(pageId).slice(before.get(pageId));
}

/** The account ids a comment body @mentions, sorted. */
export const mentionsIn = (body: string): string[] => [...body.matchAll(/ri:account-id="([^"]+)"/g)].map((m) => m[1] ?? '').sort();


/** An evidence pack as its exporter (a site admin: Alice) downloads it (SPEC 5a): every chunk of the export, assembled. */
export async function exportEvidencePack(env: TestEnv, scope: EvidenceScope, accountId = ALICE): Promise<EvidenceBundle> {
  const chunks: EvidenceChunk[] = [];
  let cursor: string | undefined;
  do {
    const chunk = await env.engine.evidence.export(ui(accountId), scope, cursor);
    chunks.push(chunk);
    cursor = chunk.nextCursor;
  } while (cursor);
  return assemblePack(chunks, async (text) => createHash('sha256').update(text, 'utf8').digest('hex'));
}
