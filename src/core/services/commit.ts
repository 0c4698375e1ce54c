/** Writing a change together with its audit records: ONE transaction, size-checked first. */
import type { TxOp } from '../ports/store';
import { STORE_LIMITS } from '../ports/store';
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import type { AuditAction } from '../domain/model';
import type { AuditEntry } from '../audit';
import type { EngineContext } from './context';
import { labelSyncJobs } from './automation/label-sync-jobs';
import { rollupJobs } from './changesets/rollup-jobs';
import type { Job } from '../ports/jobs';

/** Fields of an audit entry a use case fills in; actor, source and client come from the caller. */
export type AuditFields = Partial<Omit<AuditEntry, 'actor' | 'action' | 'spaceId' | 'source' | 'clientId'>>;

/** Refuse (as a bug, before calling the store) a transaction the store would reject for size. */
export function assertTxSize(ops: TxOp[]): TxOp[] {
  if (ops.length < 1 || ops.length > STORE_LIMITS.maxTransactionOps) {
    throw new DomainError('TRANSACTION_TOO_LARGE', 'The operation could not be completed.');
  }
  return ops;
}

export function auditEntry(caller: Caller, action: AuditAction, spaceId: string, fields: AuditFields = {}): AuditEntry {
  return {
    actor: caller.accountId,
    action,
    spaceId,
    source: caller.source,
    ...(caller.source === 'api' && caller.clientId ? { clientId: caller.clientId } : {}),
    ...fields,
    details: fields.details ?? {},
  };
}

/**
 * Commit `ops` plus the audit ops of `entries` (auditOpsFor(entries) of them) in ONE transaction. No audit
 * head is read or conditioned: the records land unsequenced and sequencePendingAudit links them later.
 */
export async function commitWithAudit(ctx: EngineContext, ops: TxOp[], entries: AuditEntry[]): Promise<void> {
  await ctx.store.transact(assertTxSize([...ops, ...ctx.audit.prepareAppend(entries)]));
  // SPEC 3a: a page that moved between approval states gets its Automation label (when its space maps one)
  await enqueueAfterCommit(ctx, [...(await labelSyncJobs(ctx, entries)), ...rollupJobs(entries)]);
}

/** After a commit: hand the jobs over. A queue refusal is logged, never undoes or fails the committed change. */
export async function enqueueAfterCommit(ctx: EngineContext, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  try {
    await ctx.jobs.push(jobs);
  } catch {
    ctx.log('could not enqueue jobs', { count: jobs.length, kinds: [...new Set(jobs.map((j) => j.kind))].join(',') });
  }
}
