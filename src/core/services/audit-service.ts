/**
 * Audit reads with authorization (SPEC 5): site admins see every record; a space admin sees only
 * records of spaces they administer, so their filter must name that space. The chain itself lives
 * in src/core/audit (AuditTrail); this layer only decides who may read what.
 */
import { INSTALLATION_SPACE } from '../audit';
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { AuditFilter, AuditRecord } from '../domain/model';
import type { VerifyResult } from '../audit/verify';
import { SYNC_VERIFY_MAX_RECORDS } from '../audit/verify-job';
import type { ExportChunk } from '../audit';
import type { ResultPage } from './types';
import { defineOperation } from './operation';
import type { EngineContext } from './context';
import { denial } from './denials';
import { StoreError } from '../ports/store';
import { PEOPLE_FIELDS, WORKFLOW_FIELDS_OF } from '../domain/audit-fields';
import { parseStored, workflowSchema } from '../domain/schemas';
import { getManyByKey } from './store-reads';
import { keys } from './keys';

/** Batches of the read paths' sequencing pass (8 records each): enough for minutes of traffic, bounded. */
const READ_PATH_BATCHES = 25;

async function mayRead(ctx: EngineContext, caller: Caller, filter: AuditFilter): Promise<boolean> {
  if (await ctx.confluence.isSiteAdmin(caller.accountId)) return true;
  return filter.spaceId !== undefined && (await ctx.confluence.isSpaceAdmin(caller.accountId, filter.spaceId));
}

async function authorize(ctx: EngineContext, caller: Caller, filter: AuditFilter, operation: string): Promise<void> {
  if (await mayRead(ctx, caller, filter)) return;
  const message =
    filter.spaceId === undefined
      ? 'Only a site admin can read the whole audit trail; space admins must filter by their space.'
      : 'Only a site admin or an admin of this space can read its audit trail.';
  throw await denial(ctx, caller, new DomainError('FORBIDDEN', message), filter.spaceId ?? INSTALLATION_SPACE, { operation });
}

/**
 * Best effort: link pending records before an admin reads, so they show with their seq. A store
 * failure here must not fail the read (the records are listed as pending, and the sweep retries).
 */
export async function sequenceFirst(ctx: EngineContext): Promise<void> {
  try {
    await ctx.audit.sequence({ maxBatches: READ_PATH_BATCHES });
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
  }
}

const RIGHTS = 'A site admin; a space admin with a filter naming their space (FORBIDDEN 403, audited).';

/** Whether listAudit would let the caller read records of `filter`: a question, not a refusal (nothing is audited). */
export const canListAudit = defineOperation({
  rights: 'Anyone may ask; the answer is about the caller only.',
  execute: (ctx: EngineContext, caller: Caller, filter: AuditFilter): Promise<boolean> => mayRead(ctx, caller, filter),
});

export const listAudit = defineOperation({
  rights: RIGHTS,
  async execute(ctx: EngineContext, caller: Caller, filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<ResultPage<AuditRecord>> {
    await authorize(ctx, caller, filter, 'audit.list');
    await sequenceFirst(ctx);
    return ctx.audit.list(filter, options);
  },
});

/** The synchronous verify of SPEC §6, for trails one invocation verifies; larger ones answer AUDIT_VERIFY_TOO_LARGE (the admin page uses the job). */
export const verifyAudit = defineOperation({
  rights: 'A site admin: the chain spans every space (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller): Promise<VerifyResult> {
    await authorize(ctx, caller, {}, 'audit.verify');
    await sequenceFirst(ctx);
    return ctx.audit.verify({ maxRecords: SYNC_VERIFY_MAX_RECORDS });
  },
});

/** One chunk of the export (issue 23: bounded bytes and time); the caller continues with nextCursor and joins the chunks in order. */
export const exportAudit = defineOperation({
  rights: RIGHTS,
  async execute(ctx: EngineContext, caller: Caller, filter: AuditFilter, format: 'csv' | 'ndjson', cursor?: string): Promise<ExportChunk> {
    await authorize(ctx, caller, filter, 'audit.export');
    // later chunks continue a snapshot already sequenced: linking again would only add work
    if (cursor === undefined) await sequenceFirst(ctx);
    return ctx.audit.exportChunk(filter, format, { ...(cursor !== undefined ? { cursor } : {}), namesOf: (records) => readableNames(ctx, records) });
  },
});

/**
 * Readable names for what these records refer to (the export shows them beside the ids): actors
 * and people named in details, spaces, pages (read as the caller: a page they cannot see stays
 * unnamed) and workflows (keyed `workflow:<id>`, as the details formatter asks for them).
 */
async function readableNames(ctx: EngineContext, records: AuditRecord[]): Promise<Map<string, string>> {
  const people = new Set<string>();
  const spaces = new Set<string>();
  const pages = new Set<string>();
  const workflows = new Set<string>();
  for (const r of records) {
    people.add(r.actor);
    spaces.add(r.spaceId);
    if (r.pageId) pages.add(r.pageId);
    for (const [key, value] of Object.entries(r.details)) {
      if (PEOPLE_FIELDS.has(key)) for (const id of [value].flat()) if (typeof id === 'string') people.add(id);
      if (WORKFLOW_FIELDS_OF[r.action]?.has(key) && typeof value === 'string') workflows.add(value);
    }
  }
  const [users, spaceInfos, pageInfos, workflowItems] = await Promise.all([
    ctx.confluence.getUsers([...people].filter((a) => a !== 'system')),
    Promise.all([...spaces].filter((s) => s !== INSTALLATION_SPACE).map((s) => ctx.confluence.getSpace(s).catch(() => undefined))),
    ctx.confluence.getPages([...pages]).catch(() => new Map<string, { title: string }>()),
    getManyByKey(ctx.store, [...workflows].map(keys.workflow)),
  ]);
  const names = new Map<string, string>();
  for (const [id, user] of users) names.set(id, user.displayName);
  for (const space of spaceInfos) if (space) names.set(space.id, `${space.key} (${space.name})`);
  for (const [id, page] of pageInfos) names.set(id, page.title);
  for (const item of workflowItems.values()) {
    const wf = parseStored(workflowSchema, item.key, item.value);
    names.set(`workflow:${wf.id}`, wf.name);
  }
  return names;
}
