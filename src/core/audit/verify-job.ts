/**
 * The verification job (issue 23 item 6, docs/audit.md "Verify as a job"): one record per
 * installation, the latest job, holding its progress (verify-progress.ts). Each consumer invocation
 * runs one slice of steps from the saved progress and saves it again under a version condition, so a
 * slice cut short by a crash is simply run again from the last save, and a duplicate delivery of the
 * same slice loses the condition and stops.
 */
import { z } from 'zod';
import type { Clock } from '../ports/clock';
import type { KeyValueStore, TxOp } from '../ports/store';
import { accountId, opaqueId, timestamp } from '../domain/fields';
import { VERIFY_JOB_KEY } from './keys';
import { advanceVerification, verificationResult, type VerifyResult } from './verify';
import { chainedTotal, verifyProgressSchema, type VerifyPhase } from './verify-progress';

/** The synchronous audit.verify answers trails up to this many chained records (about 200 store calls, 600 when a problem is named); larger ones take the job. */
export const SYNC_VERIFY_MAX_RECORDS = 10_000;
/** A slice stops starting steps after this (a step is a few store calls): every invocation stays well inside 20 s. */
export const VERIFY_SLICE_MS = 15_000;
/** A running job not saved for this long lost its invocation (crash, lost message): starting again resumes it. */
export const VERIFY_STALL_MS = 120_000;

const verifyJobSchema = z
  .object({
    id: opaqueId,
    startedBy: accountId,
    startedAt: timestamp,
    updatedAt: timestamp,
    finishedAt: timestamp.optional(),
    progress: verifyProgressSchema,
  })
  .strict();
export type VerifyJob = z.infer<typeof verifyJobSchema>;

/** What an admin sees of a job: state, progress and, once done, the result. */
export interface VerifyJobStatus {
  jobId: string;
  state: 'running' | 'done';
  /** a running job whose invocation was lost: starting again resumes it from its checkpoint */
  stalled: boolean;
  phase: VerifyPhase;
  /** the single pass met a problem: the passes that name it run from the start (`verified` counts again from 0) */
  naming: boolean;
  startedBy: string;
  startedAt: number;
  finishedAt?: number;
  /** records of the chain verified so far, of `total` (the chain as it stood at the start) */
  verified: number;
  total: number;
  /** records read by the pass over every record (the chain's and those not linked yet) */
  recordsRead: number;
  result?: VerifyResult;
}

/**
 * The latest job and its store version (undefined: none yet). A damaged record has no `job` but its
 * version, so a start replaces it (its outcome, if it had one, is in the trail).
 */
export async function readVerifyJob(store: KeyValueStore): Promise<{ job?: VerifyJob; version: number } | undefined> {
  const item = await store.get(VERIFY_JOB_KEY);
  if (!item) return undefined;
  const parsed = verifyJobSchema.safeParse(item.value);
  return parsed.success ? { job: parsed.data, version: item.version } : { version: item.version };
}

/** Puts the job, conditioned on the version read (or on there being none). */
export function putVerifyJob(job: VerifyJob, version: number | undefined): TxOp {
  return { op: 'put', key: VERIFY_JOB_KEY, value: job, condition: version === undefined ? { kind: 'absent' } : { kind: 'version', version } };
}

export function isRunning(job: VerifyJob): boolean {
  return job.progress.phase !== 'done';
}

export function verifyJobStatus(job: VerifyJob, now: number): VerifyJobStatus {
  const running = isRunning(job);
  return {
    jobId: job.id,
    state: running ? 'running' : 'done',
    stalled: running && now - job.updatedAt >= VERIFY_STALL_MS,
    phase: job.progress.phase,
    naming: job.progress.naming === true,
    startedBy: job.startedBy,
    startedAt: job.startedAt,
    ...(job.finishedAt !== undefined ? { finishedAt: job.finishedAt } : {}),
    verified: job.progress.checked,
    total: chainedTotal(job.progress),
    recordsRead: job.progress.seen,
    ...(running ? {} : { result: verificationResult(job.progress) }),
  };
}

/** One slice: steps from the saved progress until the slice's time is up or the verification is done. */
export async function runVerifySlice(store: KeyValueStore, clock: Clock, job: VerifyJob): Promise<VerifyJob> {
  const deadline = clock.now() + VERIFY_SLICE_MS;
  const progress = await advanceVerification(store, job.progress, () => clock.now() < deadline);
  const now = clock.now();
  return { ...job, progress, updatedAt: now, ...(progress.phase === 'done' ? { finishedAt: now } : {}) };
}
