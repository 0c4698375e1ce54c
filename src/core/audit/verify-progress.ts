/**
 * Where a verification stands (issue 23 item 6): everything a later invocation needs to continue it,
 * small and JSON, so a resumable job can save it between slices and re-validate it when read back.
 * Verification reads every record once, in key order (verify-scan.ts), then the pending markers and
 * the control keys. Only when that pass meets a problem do the passes of before run (`naming`), to
 * name the first problem as they always have: the chain in seq order (verify.ts), every record in
 * key order (verify-pending.ts), a second walk only when a record claims a seq its link does not
 * give it.
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
/** Chain edges the single pass holds open at most (records whose neighbour in seq order it has not met yet); past it they are checked by key. */
export const EDGE_WINDOW = 48;

/** One record's side of its chain edges still open: `h` its hash (for seq s + 1's prevHash), `p` its prevHash (for seq s − 1's hash). */
const openEdgeSchema = z.object({ s: seq, h: hex.optional(), p: hex.optional() }).strict();
export type OpenEdge = z.infer<typeof openEdgeSchema>;

export const verifyPhaseSchema = z.enum(['chain', 'records', 'identify', 'markers', 'end', 'done']);
export type VerifyPhase = z.infer<typeof verifyPhaseSchema>;

export const verifyProgressSchema = z
  .object({
    phase: verifyPhaseSchema,
    /** The chain as it stood when verification began: records linked later are checked next time. */
    anchor: z.object({ firstSeq: seq, prevHash: hex }).strict(),
    checkpointPresent: z.boolean(),
    head: z.object({ seq, hash: hex }).strict().optional(),
    // the chain pass (the single pass: the seq after the last chained record met)
    nextSeq: seq,
    lastHash: hex,
    checked: count,
    latestPurge: purgeDetailsSchema.optional(),
    latestPurgeSeq: seq.optional(),
    // the single pass: open chain edges; `naming` once it met a problem and the passes run again by seq to name it
    edges: z.array(openEdgeSchema).max(EDGE_WINDOW).optional(),
    naming: z.literal(true).optional(),
    // the record passes: the key of the last record read, records read, chained records that claim a seq of the snapshot's chain
    afterKey: z.string().min(1).max(500).optional(),
    seen: count,
    claimed: count,
    pending: z.object({ count, oldestAt: z.number().int().min(0).optional(), latestPurge: purgeDetailsSchema.optional() }).strict(),
    // records after afterKey that a marker read so far names (an append's marker is keyed by its first record)
    marked: z.array(z.string().min(1).max(500)).max(MAX_CARRIED_KEYS).optional(),
    markerCursor: cursor.optional(),
    // after the single pass: names the markers read so far give (counted, not read by key)
    markerNames: count.optional(),
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
  return fromSnapshot({ anchor, checkpointPresent: checkpointItem !== undefined, ...(head ? { head: { seq: head.seq, hash: head.hash } } : {}) });
}

/** A verification of this snapshot, at its start. */
function fromSnapshot({ anchor, checkpointPresent, head }: Pick<VerifyProgress, 'anchor' | 'checkpointPresent' | 'head'>): VerifyProgress {
  return {
    phase: 'chain',
    anchor,
    checkpointPresent,
    ...(head ? { head } : {}),
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
  replace(p, fresh);
  return true;
}

/** The single pass met a problem: the same snapshot is verified again by the passes that name it (seq order first). */
export function startNaming(p: VerifyProgress): void {
  replace(p, { ...fromSnapshot(p), naming: true });
}

function replace(p: VerifyProgress, next: VerifyProgress): void {
  for (const key of Object.keys(p)) delete (p as Partial<VerifyProgress>)[key as keyof VerifyProgress];
  Object.assign(p, next);
}
