/**
 * Where a verification stands (issue 23 item 6): everything a later invocation needs to continue it,
 * small and JSON, so a resumable job can save it between slices and re-validate it when read back.
 * Verification runs in passes (verify.ts): the chain in seq order, then every record in key order
 * (verify-pending.ts), a second walk only when a record claims a seq its link does not give it,
 * the pending markers, and the control keys at the end.
 */
import { z } from 'zod';
import { cursor } from '../domain/fields';
import type { KeyValueStore } from '../ports/store';
import { readChainState } from './chain-state';
import { purgeDetailsSchema } from './schema';

const failures = ['RECORD_ALTERED', 'RECORD_MISSING', 'RECORD_BEYOND_HEAD', 'RECORD_UNLINKED', 'HEAD_MISMATCH', 'CHECKPOINT_MISMATCH'] as const;
export const verifyFailureSchema = z.enum(failures);
/** Why verification failed (stable codes, shown to admins). */
export type VerifyFailure = z.infer<typeof verifyFailureSchema>;

const hex = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0);
const seq = z.number().int().min(1);
/** Names a records page's markers carry over to records further on (an append cut by the page's end): at most this many. */
export const MAX_CARRIED_KEYS = 100;

export const verifyPhaseSchema = z.enum(['chain', 'records', 'identify', 'markers', 'end', 'done']);
export type VerifyPhase = z.infer<typeof verifyPhaseSchema>;

export const verifyProgressSchema = z
  .object({
    phase: verifyPhaseSchema,
    /** The chain as it stood when verification began: records linked later are checked next time. */
    anchor: z.object({ firstSeq: seq, prevHash: hex }).strict(),
    checkpointPresent: z.boolean(),
    head: z.object({ seq, hash: hex }).strict().optional(),
    // the chain pass
    nextSeq: seq,
    lastHash: hex,
    checked: count,
    latestPurge: purgeDetailsSchema.optional(),
    // the record passes: the key of the last record read, records read, chained records that claim a seq of the snapshot's chain
    afterKey: z.string().min(1).max(500).optional(),
    seen: count,
    claimed: count,
    pending: z.object({ count, oldestAt: z.number().int().min(0).optional(), latestPurge: purgeDetailsSchema.optional() }).strict(),
    // records after afterKey that a marker read so far names (an append's marker is keyed by its first record)
    marked: z.array(z.string().min(1).max(500)).max(MAX_CARRIED_KEYS).optional(),
    markerCursor: cursor.optional(),
    chainProblem: z.object({ seq: z.number().int().min(0), reason: verifyFailureSchema }).strict().optional(),
    keyProblem: z.object({ key: z.string().min(1).max(500), reason: verifyFailureSchema }).strict().optional(),
  })
  .strict();
export type VerifyProgress = z.infer<typeof verifyProgressSchema>;

/** A failure at a seq of the chain (chain pass, control keys) or at a record's key (record passes). */
export type ChainProblem = NonNullable<VerifyProgress['chainProblem']>;
export type KeyProblem = NonNullable<VerifyProgress['keyProblem']>;

/** Ends the verification at its first problem (the result names it). */
export function stopAt(p: VerifyProgress, problem: ChainProblem | KeyProblem): void {
  if ('seq' in problem) p.chainProblem = problem;
  else p.keyProblem = problem;
  p.phase = 'end';
}

/** A verification about to start: the snapshot of the chain's control keys it checks against. */
export async function beginVerification(store: KeyValueStore): Promise<VerifyProgress> {
  const { head, anchor, checkpointItem } = await readChainState(store);
  return {
    phase: 'chain',
    anchor,
    checkpointPresent: checkpointItem !== undefined,
    ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}),
    nextSeq: anchor.firstSeq,
    lastHash: anchor.prevHash,
    checked: 0,
    seen: 0,
    claimed: 0,
    pending: { count: 0 },
  };
}

/** Records of the kept chain the snapshot holds: what "verified / total" counts. */
export function chainedTotal(progress: VerifyProgress): number {
  return progress.head ? Math.max(0, progress.head.seq - progress.anchor.firstSeq + 1) : 0;
}

/**
 * A retention purge moved the checkpoint since the snapshot (it deletes the oldest records while a
 * long verification runs): start over from the new checkpoint instead of reporting what the purge
 * removed. Answers whether it started over.
 */
export async function restartIfPurged(store: KeyValueStore, p: VerifyProgress): Promise<boolean> {
  const fresh = await beginVerification(store);
  if (fresh.checkpointPresent === p.checkpointPresent && fresh.anchor.firstSeq === p.anchor.firstSeq && fresh.anchor.prevHash === p.anchor.prevHash) return false;
  for (const key of Object.keys(p)) delete (p as Partial<VerifyProgress>)[key as keyof VerifyProgress];
  Object.assign(p, fresh);
  return true;
}
