/**
 * Refusals are audited (`access.denied`, SPEC 5), also when the answer is a 404 for an object the
 * caller cannot see, but a flood is aggregated so one token cannot grow the trail without bound:
 * per caller and UTC minute the first DENIALS_RECORDED_PER_MINUTE refusals get their own record;
 * further ones only increment a counter in a small per-caller state item (TTL'd). The caller's next
 * recorded denial (any later minute) carries that count as `details.suppressedDenials`; a caller who
 * stops is marked pending, and the daily run writes the count of a window that has ended
 * (denials-flush.ts), so a flood is always recorded in full.
 * Cost per refusal: one store read and one transaction (state put + audit append).
 */
import { z } from 'zod';
import { SYSTEM_ACTOR, type Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { parseStored } from '../domain/schemas';
import type { StoredItem, TxOp } from '../ports/store';
import type { SpaceAccess } from './access';
import type { EngineContext } from './context';
import type { AuditFields } from './commit';
import { auditEntry, commitWithAudit } from './commit';
import { withRetry } from './retry';
import { keys } from './keys';
import { INSTALLATION_SPACE } from '../audit/purge';

export const DENIALS_RECORDED_PER_MINUTE = 10;
const WINDOW_MS = 60_000;
/** Long enough that a suppressed count is carried by the caller's next recorded denial. */
const STATE_TTL_SECONDS = 30 * 24 * 3600;

export const DENIAL_WINDOW_MS = WINDOW_MS;

export const denialStateSchema = z.object({
  windowStart: z.number().int(),
  recorded: z.number().int().nonnegative(),
  suppressed: z.number().int().nonnegative(),
  suppressedSince: z.number().int().optional(),
  /** who was refused last while counting, and where: what the flushed record names */
  lastRefused: z.object({ accountId: z.string(), source: z.enum(['ui', 'api']), clientId: z.string().optional(), spaceId: z.string() }).optional(),
});
export type DenialState = z.infer<typeof denialStateSchema>;

export type DenialFields = AuditFields & { operation: string };

/** Refusals denial() has recorded (or counted), so the engine's net (auditNotFound) never records one twice. */
const recorded = new WeakSet<DomainError>();

/**
 * Record a refusal (or count it, under a flood) and return the error for the caller to throw:
 * `throw await denial(ctx, caller, error, spaceId, {operation})`. A failure to record never masks
 * the refusal.
 */
export async function denial(ctx: EngineContext, caller: Caller, error: DomainError, spaceId: string, fields: DenialFields): Promise<DomainError> {
  ctx.onDenied?.();
  recorded.add(error);
  try {
    await withRetry(ctx, () => recordOnce(ctx, caller, error, spaceId, fields));
  } catch (err) {
    ctx.log('could not record access.denied', { code: err instanceof DomainError ? err.code : 'UNKNOWN', operation: fields.operation });
  }
  return error;
}

/**
 * The engine's net (engine.ts bindOperations): an operation's 404 refusal it did not record itself
 * is recorded here, under the installation. An object the caller cannot see answers like a missing
 * one (the operation often cannot tell them apart), so every 404 a person is refused is audited
 * (SPEC 5, "also when the answer was 404"); the flood rule above applies as to any denial.
 */
export async function auditNotFound(ctx: EngineContext, operation: string, caller: unknown, error: unknown): Promise<void> {
  if (!(error instanceof DomainError) || error.status !== 404 || recorded.has(error) || !isPerson(caller)) return;
  await denial(ctx, caller, error, INSTALLATION_SPACE, { operation });
}

const isPerson = (value: unknown): value is Caller => {
  const c = value as Partial<Caller> | undefined;
  return typeof c?.accountId === 'string' && (c.source === 'ui' || c.source === 'api') && c.accountId !== SYSTEM_ACTOR.accountId;
};

/**
 * A record the caller may read: absent → `notFound()`; in a space the caller cannot view → the same
 * answer ("missing" and "not yours" look alike), recorded as access.denied.
 */
export async function requireVisible<T>(
  ctx: EngineContext,
  caller: Caller,
  access: SpaceAccess,
  found: { record: T | undefined; spaceIdOf(record: T): string; notFound(): DomainError },
  fields: DenialFields,
): Promise<T> {
  if (found.record === undefined) throw found.notFound();
  const spaceId = found.spaceIdOf(found.record);
  if (!(await access.canView(spaceId))) throw await denial(ctx, caller, found.notFound(), spaceId, fields);
  return found.record;
}

async function recordOnce(ctx: EngineContext, caller: Caller, error: DomainError, spaceId: string, fields: DenialFields): Promise<void> {
  const key = keys.denialState(caller.accountId);
  const item = await ctx.store.get(key);
  const state = item ? parseStored(denialStateSchema, item.key, item.value) : undefined;
  const windowStart = Math.floor(ctx.clock.now() / WINDOW_MS) * WINDOW_MS;
  const sameWindow = state?.windowStart === windowStart;
  if (state && sameWindow && state.recorded >= DENIALS_RECORDED_PER_MINUTE) {
    const lastRefused = { accountId: caller.accountId, source: caller.source, ...(caller.clientId ? { clientId: caller.clientId } : {}), spaceId };
    const next: DenialState = { ...state, suppressed: state.suppressed + 1, suppressedSince: state.suppressedSince ?? windowStart, lastRefused };
    const pending: TxOp[] = state.suppressed === 0 ? [{ op: 'put', key: keys.denialPending(caller.accountId), value: 1, ttlSeconds: STATE_TTL_SECONDS }] : [];
    await ctx.store.transact([statePut(key, next, item), ...pending]);
    return;
  }
  const carried = state && state.suppressed > 0 ? { suppressedDenials: state.suppressed, suppressedSince: state.suppressedSince ?? state.windowStart } : {};
  const next: DenialState = { windowStart, recorded: sameWindow && state ? state.recorded + 1 : 1, suppressed: 0 };
  const { operation, details, ...rest } = fields;
  const entryDetails = {
    ...details,
    operation,
    code: error.code,
    ...carried,
    ...(next.recorded === DENIALS_RECORDED_PER_MINUTE ? { furtherDenialsCounted: true } : {}),
  };
  const carriedOps: TxOp[] = state && state.suppressed > 0 ? [{ op: 'delete', key: keys.denialPending(caller.accountId) }] : [];
  await commitWithAudit(ctx, [statePut(key, next, item), ...carriedOps], [auditEntry(caller, 'access.denied', spaceId, { ...rest, details: entryDetails })]);
}

export function statePut(key: string, value: DenialState, previous: StoredItem | undefined): TxOp {
  return { op: 'put', key, value, condition: previous ? { kind: 'version', version: previous.version } : { kind: 'absent' }, ttlSeconds: STATE_TTL_SECONDS };
}

/** The one site-admin gate: anyone else is refused FORBIDDEN with one message, and the refusal is audited. */
export async function requireSiteAdmin(ctx: EngineContext, caller: Caller, operation: string): Promise<void> {
  if (await ctx.confluence.isSiteAdmin(caller.accountId)) return;
  throw await denial(ctx, caller, new DomainError('FORBIDDEN', 'Only a Confluence site admin can do this.'), INSTALLATION_SPACE, { operation });
}
