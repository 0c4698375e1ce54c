/**
 * Verification (SPEC §5, docs/audit.md "Verify"), in steps that a resumable job runs slice by slice
 * (issue 23 item 6; the synchronous verify runs the same steps at once):
 *  1. chain: every af-audit record once, in key order (verify-scan.ts): the snapshot's chain (each
 *     record's link, seq, attributes, hash and edges to its neighbours), pending records with their marker;
 *  2. markers: every marker has its record;
 *  3. end: head and purge checkpoint against what the passes confirmed, and no link beyond the head.
 * Only when step 1 meets a problem, the passes of before name it (`naming`, the same snapshot again):
 *  1. chain: the kept chain in seq order, one bucket of 100 seqs per step: gapless seq, each record's
 *     link (chain-read.ts linksOf: link blocks and older per-seq links alike), seq, attributes, prevHash and hash;
 *  2. records (verify-pending.ts): every af-audit record in key order: chained, or pending with its marker;
 *  3. identify: only when more records claim a seq of the chain than the chain holds, the one its link does not name;
 *  then markers and end as above. Nothing is kept per record between steps: the progress is small
 *  whatever the size of the trail.
 */
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { AUDIT_ENTITY } from '../ports/entities';
import { hashMatches } from './hash';
import { linksOf, parseLinkItem } from './chain-read';
import { GENESIS_HASH, HEAD_KEY, LINK_BLOCK, LINK_PREFIX } from './keys';
import { parseEntity } from './records';
import { headSchema, purgeDetailsSchema } from './schema';
import { DomainError } from '../domain/errors';
import { beginVerification, chainedTotal, restartIfPurged, stopAt, type ChainProblem, type VerifyFailure, type VerifyPhase, type VerifyProgress } from './verify-progress';
import { identifyStep, markersStep, recordsStep } from './verify-pending';
import { scanStep } from './verify-scan';

export type { VerifyFailure };

export interface VerifyResult {
  ok: boolean;
  /** Chained records whose hash, link and seq were confirmed before the first bad one. */
  checked: number;
  firstBadSeq?: number;
  /** Key of the bad record when it has no seq in the chain (unlinked, or a marker without record). */
  badRecord?: string;
  reason?: VerifyFailure;
  /** The chain head's hash: the digest an admin exports and keeps outside the app. */
  headHash: string;
  /** Records committed but not yet linked into the chain (the tamper-evidence window). */
  unsequenced: { count: number; oldestAt?: number };
}

/** Checks links (in seq order, from p.nextSeq on) against their records, advancing the walk. */
async function checkLinks(store: KeyValueStore, links: Array<{ seq: number; k: string }>, p: VerifyProgress): Promise<ChainProblem | undefined> {
  for (let i = 0; i < links.length; i += STORE_LIMITS.maxBatchGet) {
    const chunk = links.slice(i, i + STORE_LIMITS.maxBatchGet);
    const entities = new Map((await store.getEntities(AUDIT_ENTITY, chunk.map((l) => l.k))).map((e) => [e.key, e]));
    for (const { seq, k } of chunk) {
      const entity = entities.get(k);
      if (!entity) return { seq, reason: 'RECORD_MISSING' };
      const stored = parseEntity(entity);
      if (!stored || stored.pending) return { seq, reason: 'RECORD_ALTERED' };
      const record = stored.record;
      if (record.seq !== seq || record.prevHash !== p.lastHash || !hashMatches(record)) return { seq, reason: 'RECORD_ALTERED' };
      if (record.action === 'audit.purged') {
        const details = purgeDetailsSchema.safeParse(record.details);
        if (!details.success) return { seq, reason: 'RECORD_ALTERED' };
        p.latestPurge = details.data;
      }
      p.lastHash = record.hash;
      p.nextSeq++;
      p.checked++;
    }
  }
  return undefined;
}

/**
 * One bucket of 100 seqs: their links in one read (linksOf: a prefix query, and by key whatever the
 * lagging index does not show yet), then their records. A seq no link names is RECORD_MISSING, one
 * whose link is damaged or claimed twice RECORD_ALTERED.
 */
async function chainStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const last = p.head?.seq ?? 0;
  if (p.nextSeq > last) return void (p.phase = 'records');
  const blockEnd = Math.min(last, (Math.floor(p.nextSeq / LINK_BLOCK) + 1) * LINK_BLOCK - 1);
  const seqs = Array.from({ length: blockEnd - p.nextSeq + 1 }, (_, i) => p.nextSeq + i);
  const sks = await linksOf(store, seqs);
  const links: Array<{ seq: number; k: string }> = [];
  let problem: ChainProblem | undefined;
  for (const seq of seqs) {
    const k = sks.get(seq);
    if (typeof k !== 'string') {
      problem = { seq, reason: k === null ? 'RECORD_ALTERED' : 'RECORD_MISSING' };
      break;
    }
    links.push({ seq, k });
  }
  problem = (await checkLinks(store, links, p)) ?? problem;
  if (problem && !(problem.reason === 'RECORD_MISSING' && (await restartIfPurged(store, p)))) stopAt(p, problem);
}

/** Head and checkpoint against what the walk confirmed (a purge record may still be pending). */
function controlProblem(p: VerifyProgress): ChainProblem | undefined {
  const { head, anchor } = p;
  if (head && p.lastHash !== head.hash) return { seq: head.seq, reason: 'HEAD_MISMATCH' };
  if (!head && p.checkpointPresent && !p.pending.latestPurge) return { seq: anchor.firstSeq, reason: 'CHECKPOINT_MISMATCH' };
  // The checkpoint must be the one the latest purge record (chained, or pending behind it) committed to.
  const latest = p.pending.latestPurge ?? p.latestPurge;
  const purgeMatches = latest ? latest.firstKeptSeq === anchor.firstSeq && latest.anchorHash === anchor.prevHash : !p.checkpointPresent;
  return purgeMatches ? undefined : { seq: anchor.firstSeq, reason: 'CHECKPOINT_MISMATCH' };
}

/**
 * A link above the snapshot's head (the next seq, or the highest link) that the current head does
 * not cover either: links sequenced while verifying are never a false alarm.
 */
async function linkBeyondHead(store: KeyValueStore, headSeq: number): Promise<number | undefined> {
  const [next, top] = await Promise.all([linksOf(store, [headSeq + 1]), store.query({ prefix: LINK_PREFIX, order: 'desc', limit: 1 })]);
  const highest = top.items[0] ? parseLinkItem(top.items[0]) : undefined;
  const topSeq = highest ? highest.first + Math.max(0, (highest.sks?.length ?? 1) - 1) : undefined;
  const candidates = [next.has(headSeq + 1) ? headSeq + 1 : undefined, topSeq !== undefined && topSeq > headSeq ? topSeq : undefined].filter((s) => s !== undefined);
  if (candidates.length === 0) return undefined;
  const current = headSchema.safeParse((await store.get(HEAD_KEY))?.value);
  return candidates.find((seq) => !current.success || current.data.seq < seq);
}

async function endStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  if (!p.chainProblem && (await restartIfPurged(store, p))) return;
  p.phase = 'done';
  if (p.chainProblem) return;
  const control = controlProblem(p);
  const beyond = control ? undefined : await linkBeyondHead(store, p.head?.seq ?? 0);
  if (control) p.chainProblem = control;
  else if (beyond !== undefined) p.chainProblem = { seq: beyond, reason: 'RECORD_BEYOND_HEAD' };
}

const STEPS: Record<Exclude<VerifyPhase, 'done'>, (store: KeyValueStore, p: VerifyProgress) => Promise<void>> = {
  chain: (store, p) => (p.naming ? chainStep(store, p) : scanStep(store, p)),
  records: recordsStep,
  identify: identifyStep,
  markers: markersStep,
  end: endStep,
};

/** Runs steps while `more()` says so (a deadline) and the verification is not done; each step is a few store calls. */
export async function advanceVerification(store: KeyValueStore, progress: VerifyProgress, more: () => boolean): Promise<VerifyProgress> {
  const p = JSON.parse(JSON.stringify(progress)) as VerifyProgress; // the caller's copy stays the saved checkpoint
  while (p.phase !== 'done' && more()) await STEPS[p.phase](store, p);
  return p;
}

/** The answer of a finished verification (chain and control-key problems first, as they are about seqs). */
export function verificationResult(p: VerifyProgress): VerifyResult {
  const headHash = p.head?.hash ?? GENESIS_HASH;
  const unsequenced = { count: p.pending.count, ...(p.pending.oldestAt !== undefined ? { oldestAt: p.pending.oldestAt } : {}) };
  if (p.chainProblem) return { ok: false, checked: p.checked, firstBadSeq: p.chainProblem.seq, reason: p.chainProblem.reason, headHash, unsequenced };
  if (p.keyProblem) return { ok: false, checked: p.checked, badRecord: p.keyProblem.key, reason: p.keyProblem.reason, headHash, unsequenced };
  return { ok: true, checked: p.checked, headHash, unsequenced };
}

/** The whole verification in one go (small trails, tests, scripts); `maxRecords` refuses a chain longer than one invocation verifies. */
export async function verifyChain(store: KeyValueStore, options: { maxRecords?: number } = {}): Promise<VerifyResult> {
  const progress = await beginVerification(store);
  if (options.maxRecords !== undefined && chainedTotal(progress) > options.maxRecords) {
    throw new DomainError('AUDIT_VERIFY_TOO_LARGE', `The audit trail holds ${chainedTotal(progress)} records, more than one call verifies (${options.maxRecords}); start a verification job instead.`);
  }
  return verificationResult(await advanceVerification(store, progress, () => true));
}
