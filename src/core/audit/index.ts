/**
 * Hash-chained, append-only audit trail (SPEC §5); docs/audit.md gives the storage layout, query
 * plan, verification and costs. AuditTrail is the one entry point the engine holds; each concern
 * lives in its own module:
 *   append.ts     prepareAppend (record entities + one pending marker, in the caller's transaction)
 *   sequencer.ts  sequencePendingAudit: links pending records into the chain in link blocks (group commit)
 *   chain-read.ts linksOf: the one lookup of which record holds a seq (link blocks and older per-seq links)
 *   sequence-alone.ts  sequenceAlone: the job consumer's sequencer, one at a time (a lease)
 *   query.ts      list over the af-audit entity indexes, with cursor.ts
 *   verify.ts     the steps; verify-scan.ts every record once (chain and pending); verify-pending.ts the record
 *                 passes and markers; verify-progress.ts what a resumable verification keeps, verify-job.ts the job
 *   export-format.ts  CSV / NDJSON; export-chunk.ts the export in bounded chunks
 *   purge.ts      retention purge; retention.ts is the scheduled job's use case
 */
import type { AuditFilter } from '../domain/model';
import type { Clock, IdGenerator } from '../ports/clock';
import type { KeyValueStore, TxOp } from '../ports/store';
import { prepareAppend, type AppendDeps, type AuditEntry } from './append';
import type { ExportFormat } from './export-format';
import { exportChunk, type ExportChunk, type NamesOf } from './export-chunk';
import { deleteBelowCheckpoint, purgeBefore, type PurgeOptions } from './purge';
import { MAX_SCAN_QUERIES_PER_PAGE, listRecords, type AuditPage, type QueryDeps } from './query';
import { sequencePendingAudit, type SequenceResult } from './sequencer';
import { verifyChain, type VerifyResult } from './verify';

export { AUDIT_OPS_PER_ENTRY, MAX_AUDIT_ENTRIES, auditBytesBound, auditOpsFor, type AuditEntry } from './append';
export { sequencePendingAudit, type SequenceDeps, type SequenceResult } from './sequencer';
export { sequenceAlone, SEQUENCER_LEASE_MS } from './sequence-alone';
export type { AuditPage } from './query';
export type { ExportChunk } from './export-chunk';
export { AUDIT_MIN_RETENTION_DAYS, runAuditRetention, type AuditRetentionResult, type AuditRetentionRun } from './retention';
export type { VerifyFailure, VerifyResult } from './verify';
export { INSTALLATION_SPACE } from './purge';

export interface AuditTrailDeps {
  store: KeyValueStore;
  clock: Clock;
  ids: IdGenerator;
  /** Store queries one list() call may spend scanning an index (default MAX_SCAN_QUERIES_PER_PAGE). */
  maxScanQueriesPerPage?: number;
}

export class AuditTrail {
  private readonly appendDeps: AppendDeps;
  private readonly query: QueryDeps;

  constructor(deps: AuditTrailDeps) {
    this.appendDeps = { store: deps.store, clock: deps.clock, ids: deps.ids };
    this.query = { store: deps.store, maxScanQueries: Math.max(1, deps.maxScanQueriesPerPage ?? MAX_SCAN_QUERIES_PER_PAGE) };
  }

  /** The ops that append these entries; commit them in the SAME transaction as the change (see append.ts). */
  prepareAppend(entries: AuditEntry[]): TxOp[] {
    return prepareAppend(this.appendDeps, entries);
  }

  /** Links pending records into the chain (see sequencer.ts); best effort, bounded. */
  sequence(options: { maxBatches?: number } = {}): Promise<SequenceResult> {
    return sequencePendingAudit(this.appendDeps, options);
  }

  /** Newest first; a page may be short (even empty) with a nextCursor: continue while it is present. */
  list(filter: AuditFilter, options: { cursor?: string; limit?: number }): Promise<AuditPage> {
    return listRecords(this.query, filter, options);
  }

  /** Walks the whole kept chain and every record outside it; reports the first bad seq (or record) and why. Large trails: the verification job (verify-job.ts). */
  verify(options: { maxRecords?: number } = {}): Promise<VerifyResult> {
    return verifyChain(this.appendDeps.store, options);
  }

  /** The next chunk of the records matching the filter, newest first, as CSV (RFC 4180, ISO times, readable names) or NDJSON (see export-chunk.ts). */
  exportChunk(filter: AuditFilter, format: ExportFormat, options: { cursor?: string; namesOf?: NamesOf } = {}): Promise<ExportChunk> {
    return exportChunk(this.query, filter, format, options);
  }

  /** Retention purge of records with `at < before` (chunked by maxDeletes); leaves a purge record and a checkpoint. */
  purge(before: number, actor: string, options: PurgeOptions = {}): Promise<{ removed: number; done: boolean }> {
    return purgeBefore(this.appendDeps, before, actor, options);
  }

  /** Deletes up to maxDeletes records an interrupted or capped purge left below the checkpoint. */
  deleteBelowCheckpoint(maxDeletes: number): Promise<{ removed: number; done: boolean }> {
    return deleteBelowCheckpoint(this.appendDeps.store, maxDeletes);
  }
}
