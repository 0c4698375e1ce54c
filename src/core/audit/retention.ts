/**
 * The audit half of the retention job (SPEC 2.10): what a scheduled trigger runs, one bounded chunk
 * per invocation, until `done`. Scheduling it is the lifecycle work's job; this only decides what
 * one run does.
 */
import { DomainError } from '../domain/errors';
import { FIELD_LIMITS } from '../domain/limits';
import { DAY_MS } from '../shared/time';
import type { AuditFilter } from '../domain/model';
import type { PurgeOptions } from './purge';
import type { AuditPage } from './query';

/** What one run needs of the trail (AuditTrail). */
export interface RetentionTrail {
  list(filter: AuditFilter, options: { limit?: number }): Promise<AuditPage>;
  purge(before: number, actor: string, options: PurgeOptions): Promise<{ removed: number; done: boolean }>;
  deleteBelowCheckpoint(maxDeletes: number): Promise<{ removed: number; done: boolean }>;
}

/** SPEC 2.10: audit records are kept at least this long (limits.ts); admins may lengthen, never shorten. */
export const AUDIT_MIN_RETENTION_DAYS = FIELD_LIMITS.auditRetentionDays.min;
/** Records one run deletes at most: 200 transactions of 3 + a few queries ≈ 10 s at 50 ms per store call, inside Forge's 25 s. */
export const DEFAULT_RETENTION_CHUNK = 600;

export interface AuditRetentionRun {
  now: number;
  /** The admin's setting; default and minimum AUDIT_MIN_RETENTION_DAYS. */
  retentionDays?: number;
  /** Account recorded on the purge record; a scheduled job acts as the app ('system'). */
  actor?: string;
  maxDeletes?: number;
}

export interface AuditRetentionResult {
  /** Whether this run appended an `audit.purged` record (only when some kept record was older than the cut-off). */
  purged: boolean;
  removed: number;
  /** false: records are still waiting below the checkpoint; run again. */
  done: boolean;
}

/**
 * One run: first finish an earlier purge's leftovers, then, with the budget left, purge what is older
 * than the window. Each run leaves at most one `audit.purged` record, and none when nothing is due.
 */
export async function runAuditRetention(trail: RetentionTrail, run: AuditRetentionRun): Promise<AuditRetentionResult> {
  const days = run.retentionDays ?? AUDIT_MIN_RETENTION_DAYS;
  if (!Number.isInteger(days) || days < AUDIT_MIN_RETENTION_DAYS) {
    throw new DomainError('INVALID_RETENTION', `Audit records are kept at least ${AUDIT_MIN_RETENTION_DAYS} days.`);
  }
  const budget = run.maxDeletes ?? DEFAULT_RETENTION_CHUNK;
  const before = run.now - days * DAY_MS;
  const leftovers = await trail.deleteBelowCheckpoint(budget);
  if (!leftovers.done) return { purged: false, removed: leftovers.removed, done: false };
  const oldest = (await trail.list({ to: before - 1 }, { limit: 1 })).items.length > 0;
  if (!oldest) return { purged: false, removed: leftovers.removed, done: true };
  const { removed, done } = await trail.purge(before, run.actor ?? 'system', { maxDeletes: budget - leftovers.removed });
  return { purged: true, removed: leftovers.removed + removed, done };
}
