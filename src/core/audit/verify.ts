/**
 * Verification (SPEC §5, docs/audit.md "Verify"): walks the chain links from the checkpoint (gapless
 * seq, each record's hash and link, head, purge checkpoint), then every af-audit record, which must be
 * either linked or pending (with its marker), and every marker, which must have its record. A record's
 * index attributes are part of what is checked, so a record cannot be hidden from a filtered list.
 */
import type { KeyValueStore } from '../ports/store';
import { AUDIT_ENTITY } from '../ports/entities';
import { readChainState, type ChainState } from './chain-state';
import { hashMatches } from './hash';
import { GENESIS_HASH, HEAD_KEY, LINK_PREFIX, linkKey, seqOfLinkKey } from './keys';
import { parseEntity } from './records';
import { headSchema, linkSchema, purgeDetailsSchema, type PurgeDetails } from './schema';
import { walkMarkers, walkPending, type PendingWalk, type VerifyFailure } from './verify-pending';

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

interface Problem {
  seq: number;
  reason: VerifyFailure;
}

const PAGE = 100;
const BATCH = 25;

interface ChainWalk {
  checked: number;
  problem?: Problem;
  /** Lowest seq of a link above the snapshot's head (maybe sequenced while verifying). */
  beyond?: number;
  latestPurge?: PurgeDetails;
  lastHash: string;
  nextSeq: number;
  /** Keys of records the chain (or an interrupted purge below the checkpoint) accounts for. */
  linked: Set<string>;
}

/** Checks one page of links (in seq order) against their records. */
async function checkLinks(store: KeyValueStore, links: Array<{ seq: number; k: string }>, walk: ChainWalk): Promise<Problem | undefined> {
  for (let i = 0; i < links.length; i += BATCH) {
    const chunk = links.slice(i, i + BATCH);
    const entities = new Map((await store.getEntities(AUDIT_ENTITY, chunk.map((l) => l.k))).map((e) => [e.key, e]));
    for (const { seq, k } of chunk) {
      const entity = entities.get(k);
      if (!entity) return { seq, reason: 'RECORD_MISSING' };
      const stored = parseEntity(entity);
      if (!stored || stored.pending) return { seq, reason: 'RECORD_ALTERED' };
      const record = stored.record;
      if (record.seq !== seq || record.prevHash !== walk.lastHash || !hashMatches(record)) return { seq, reason: 'RECORD_ALTERED' };
      if (record.action === 'audit.purged') {
        const details = purgeDetailsSchema.safeParse(record.details);
        if (!details.success) return { seq, reason: 'RECORD_ALTERED' };
        walk.latestPurge = details.data;
      }
      walk.linked.add(k);
      walk.lastHash = record.hash;
      walk.nextSeq++;
      walk.checked++;
    }
  }
  return undefined;
}

async function walkChain(store: KeyValueStore, state: ChainState): Promise<ChainWalk> {
  const { head, anchor } = state;
  const walk: ChainWalk = { checked: 0, lastHash: anchor.prevHash, nextSeq: anchor.firstSeq, linked: new Set() };
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix: LINK_PREFIX, order: 'asc', limit: PAGE, cursor });
    const links: Array<{ seq: number; k: string }> = [];
    let expected = walk.nextSeq;
    for (const item of page.items) {
      const seq = seqOfLinkKey(item.key);
      const link = linkSchema.safeParse(item.value);
      if (seq === undefined || !link.success) return { ...walk, problem: { seq: seq ?? expected, reason: 'RECORD_ALTERED' } };
      if (seq < anchor.firstSeq) {
        walk.linked.add(link.data.k); // left by an interrupted purge; outside the kept chain
        continue;
      }
      if (seq !== expected) {
        walk.problem = await checkLinks(store, links, walk);
        return { ...walk, problem: walk.problem ?? { seq: expected, reason: 'RECORD_MISSING' } };
      }
      if (!head || seq > head.seq) {
        walk.problem = await checkLinks(store, links, walk);
        return walk.problem ? walk : { ...walk, beyond: seq };
      }
      links.push({ seq, k: link.data.k });
      expected++;
    }
    walk.problem = await checkLinks(store, links, walk);
    if (walk.problem) return walk;
    cursor = page.nextCursor;
  } while (cursor);
  return readTail(store, state, walk);
}

/**
 * The links up to the head that the query did not show: the index lags writes on Forge
 * (docs/forge-platform.md U22), so links sequenced a moment ago are read by key (strong). A link
 * missing here too is left for checkControlKeys to report (RECORD_MISSING).
 */
async function readTail(store: KeyValueStore, state: ChainState, walk: ChainWalk): Promise<ChainWalk> {
  const { head } = state;
  while (head && walk.nextSeq <= head.seq) {
    const seqs = Array.from({ length: Math.min(BATCH, head.seq - walk.nextSeq + 1) }, (_, i) => walk.nextSeq + i);
    const got = new Map((await store.getMany(seqs.map(linkKey))).map((item) => [item.key, item]));
    const links: Array<{ seq: number; k: string }> = [];
    for (const seq of seqs) {
      const item = got.get(linkKey(seq));
      if (!item) break;
      const link = linkSchema.safeParse(item.value);
      if (!link.success) return { ...walk, problem: { seq, reason: 'RECORD_ALTERED' } };
      links.push({ seq, k: link.data.k });
    }
    walk.problem = await checkLinks(store, links, walk);
    if (walk.problem || links.length < seqs.length) return walk;
  }
  return walk;
}

/** Head and checkpoint against what the walk confirmed (a purge record may still be pending). */
function checkControlKeys(state: ChainState, walk: ChainWalk, pending: PendingWalk): Problem | undefined {
  const { head, checkpointItem, anchor } = state;
  if (head && walk.nextSeq <= head.seq) return { seq: walk.nextSeq, reason: 'RECORD_MISSING' }; // missing at the tail
  if (head && walk.lastHash !== head.hash) return { seq: head.seq, reason: 'HEAD_MISMATCH' };
  if (!head && checkpointItem && !pending.latestPurge) return { seq: anchor.firstSeq, reason: 'CHECKPOINT_MISMATCH' };
  // The checkpoint must be the one the latest purge record (chained, or pending behind it) committed to.
  const latest = pending.latestPurge ?? walk.latestPurge;
  const purgeMatches = latest ? latest.firstKeptSeq === anchor.firstSeq && latest.anchorHash === anchor.prevHash : checkpointItem === undefined;
  return purgeMatches ? undefined : { seq: anchor.firstSeq, reason: 'CHECKPOINT_MISMATCH' };
}

/** A link above the snapshot's head is bad only if the current head does not cover it either. */
async function stillBeyondHead(store: KeyValueStore, seq: number): Promise<boolean> {
  const parsed = headSchema.safeParse((await store.get(HEAD_KEY))?.value);
  return !parsed.success || parsed.data.seq < seq;
}

export async function verifyChain(store: KeyValueStore): Promise<VerifyResult> {
  const state = await readChainState(store);
  const headHash = state.head?.hash ?? GENESIS_HASH;
  const walk = await walkChain(store, state);
  const pending = await walkPending(store, walk.linked, state.head?.seq ?? 0);
  const markerProblem = pending.problem ?? (await walkMarkers(store, pending.keys));
  const unsequenced = { count: pending.count, ...(pending.oldestAt !== undefined ? { oldestAt: pending.oldestAt } : {}) };
  let problem = walk.problem ?? checkControlKeys(state, walk, pending);
  if (!problem && walk.beyond !== undefined && (await stillBeyondHead(store, walk.beyond))) problem = { seq: walk.beyond, reason: 'RECORD_BEYOND_HEAD' };
  if (problem) return { ok: false, checked: walk.checked, firstBadSeq: problem.seq, reason: problem.reason, headHash, unsequenced };
  if (markerProblem) return { ok: false, checked: walk.checked, badRecord: markerProblem.key, reason: markerProblem.reason, headHash, unsequenced };
  return { ok: true, checked: walk.checked, headHash, unsequenced };
}
