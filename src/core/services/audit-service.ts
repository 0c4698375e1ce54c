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
import type { Page } from './types';
import { defineOperation } from './operation';
import type { EngineContext } from './context';
import { denial } from './denials';
import { StoreError } from '../ports/store';

/** Batches of the read paths' sequencing pass (8 records each): enough for minutes of traffic, bounded. */
const READ_PATH_BATCHES = 25;

async function authorize(ctx: EngineContext, caller: Caller, filter: AuditFilter, operation: string): Promise<void> {
  if (await ctx.confluence.isSiteAdmin(caller.accountId)) return;
  if (filter.spaceId !== undefined && (await ctx.confluence.isSpaceAdmin(caller.accountId, filter.spaceId))) return;
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
async function sequenceFirst(ctx: EngineContext): Promise<void> {
  try {
    await ctx.audit.sequence({ maxBatches: READ_PATH_BATCHES });
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
  }
}

const RIGHTS = 'A site admin; a space admin with a filter naming their space (FORBIDDEN 403, audited).';

export const listAudit = defineOperation({
  rights: RIGHTS,
  async execute(ctx: EngineContext, caller: Caller, filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<Page<AuditRecord>> {
    await authorize(ctx, caller, filter, 'audit.list');
    await sequenceFirst(ctx);
    return ctx.audit.list(filter, options);
  },
});

export const verifyAudit = defineOperation({
  rights: 'A site admin: the chain spans every space (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller): Promise<VerifyResult> {
    await authorize(ctx, caller, {}, 'audit.verify');
    await sequenceFirst(ctx);
    return ctx.audit.verify();
  },
});

export const exportAudit = defineOperation({
  rights: RIGHTS,
  async execute(ctx: EngineContext, caller: Caller, filter: AuditFilter, format: 'csv' | 'ndjson'): Promise<string> {
    await authorize(ctx, caller, filter, 'audit.export');
    await sequenceFirst(ctx);
    const names = await readableNames(ctx, filter);
    return ctx.audit.export(filter, format, names);
  },
});

/** Readable names for the actors and spaces of the records matching `filter` (the export shows them beside the ids). */
async function readableNames(ctx: EngineContext, filter: AuditFilter): Promise<Map<string, string>> {
  const actors = new Set<string>();
  const spaces = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await ctx.audit.list(filter, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      actors.add(r.actor);
      spaces.add(r.spaceId);
    }
    cursor = page.nextCursor;
  } while (cursor);
  const [users, spaceInfos] = await Promise.all([
    ctx.confluence.getUsers([...actors].filter((a) => a !== 'system')),
    Promise.all([...spaces].map((s) => ctx.confluence.getSpace(s).catch(() => undefined))),
  ]);
  const names = new Map<string, string>();
  for (const [id, user] of users) names.set(id, user.displayName);
  for (const space of spaceInfos) if (space) names.set(space.id, `${space.key} (${space.name})`);
  return names;
}
