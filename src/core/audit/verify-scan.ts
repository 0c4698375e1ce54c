/**
 * The single pass of verify (issue 23 item 6: each record read once; docs/audit.md "Verify"): every
 * af-audit record in key order, one index page per step. A record of the snapshot's chain is checked
 * where it is met: valid, its own hash, its seq's link names it, and its chain edges (prevHash of
 * seq s = hash of seq s − 1). The sequencer links records oldest key first, so a record's neighbour
 * in seq order is nearly always the record met just before or after it; an edge whose other side has
 * not been met yet waits in a small window of open edges (`edges`), and when more wait than the
 * window holds, the oldest are closed by reading their neighbour by key. At the end every seq of the
 * chain must have been met once (each claimed by the record its link names, so the count proves it).
 * Records outside the chain get the checks of before (pending with a marker, or linked since).
 *
 * On any problem the pass stops and the passes of before run on the same snapshot (`startNaming`) to
 * name the first problem exactly as they always have: a failing verification reads more, a sound one
 * reads each record once.
 */
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS, type KeyValueStore } from '../ports/store';
import { linksOf } from './chain-read';
import { LINK_BLOCK } from './keys';
import { hashMatches } from './hash';
import { parseEntity } from './records';
import { purgeDetailsSchema, type PendingRecord } from './schema';
import { accountedOutside, checkMarkers, inSnapshot, recordPage, turnPage, type ChainedRead } from './verify-pending';
import { EDGE_WINDOW, chainedTotal, restartIfPurged, startNaming, type OpenEdge, type VerifyProgress } from './verify-progress';

/** One side of an edge: the window's matching side must agree, else this side waits in the window. */
function meet(edges: OpenEdge[], own: { s: number; side: 'h' | 'p'; value: string }, neighbour: number): boolean {
  const other = own.side === 'h' ? 'p' : 'h';
  const i = edges.findIndex((e) => e.s === neighbour && e[other] !== undefined);
  if (i < 0) {
    const entry = edges.find((e) => e.s === own.s);
    if (entry) entry[own.side] = own.value;
    else edges.push({ s: own.s, [own.side]: own.value });
    return true;
  }
  const waiting = edges[i]!; // findIndex found it
  if (waiting[other] !== own.value) return false;
  delete waiting[other];
  if (waiting.h === undefined && waiting.p === undefined) edges.splice(i, 1);
  return true;
}

/** A chained record's two edges: the anchor and the head close the ends of the chain at once. */
function joinEdges(p: VerifyProgress, edges: OpenEdge[], { seq, prevHash, hash }: ChainedRead['record']): boolean {
  const before = seq === p.anchor.firstSeq ? prevHash === p.anchor.prevHash : meet(edges, { s: seq, side: 'p', value: prevHash }, seq - 1);
  return before && (seq === p.head?.seq ? hash === p.head.hash : meet(edges, { s: seq, side: 'h', value: hash }, seq + 1));
}

/** Closes open edges by reading the other side by key (its link, then its record): the window's spill, and its end. */
async function closeByKey(store: KeyValueStore, open: OpenEdge[]): Promise<boolean> {
  const wanted = open.flatMap((e) => [...(e.h !== undefined ? [{ seq: e.s + 1, prevHash: e.h }] : []), ...(e.p !== undefined ? [{ seq: e.s - 1, hash: e.p }] : [])]);
  if (wanted.length === 0) return true;
  const sks = await linksOf(store, wanted.map((w) => w.seq));
  const keys = [...new Set(wanted.map((w) => sks.get(w.seq)))].filter((k) => typeof k === 'string');
  const records = new Map<number, ChainedRead['record']>();
  for (let i = 0; i < keys.length; i += STORE_LIMITS.maxBatchGet) {
    for (const entity of await store.getEntities(AUDIT_ENTITY, keys.slice(i, i + STORE_LIMITS.maxBatchGet))) {
      const stored = parseEntity(entity);
      if (stored && !stored.pending && sks.get(stored.record.seq) === entity.key) records.set(stored.record.seq, stored.record);
    }
  }
  return wanted.every((w) => {
    const record = records.get(w.seq);
    return record !== undefined && ('hash' in w ? record.hash === w.hash : record.prevHash === w.prevHash);
  });
}

/** The page's records of the snapshot's chain: each named by its seq's link, its own hash, its edges. */
async function checkChained(store: KeyValueStore, chained: ChainedRead[], p: VerifyProgress): Promise<boolean> {
  const edges = p.edges ?? [];
  const sks = chained.length > 0 ? await linksOf(store, chained.map((c) => c.record.seq)) : new Map<number, string | null>();
  for (const { key, record } of chained) {
    if (sks.get(record.seq) !== key || !hashMatches(record) || !joinEdges(p, edges, record)) return false;
    if (record.action === 'audit.purged') {
      const details = purgeDetailsSchema.safeParse(record.details);
      if (!details.success) return false;
      if (record.seq > (p.latestPurgeSeq ?? 0)) Object.assign(p, { latestPurge: details.data, latestPurgeSeq: record.seq });
    }
    p.checked++;
    p.nextSeq = record.seq + 1;
  }
  const spill = edges.length > EDGE_WINDOW ? edges.splice(0, edges.length - EDGE_WINDOW / 2) : [];
  if (edges.length > 0) p.edges = edges;
  else delete p.edges;
  return closeByKey(store, spill);
}

/**
 * After the last page: every seq of the chain met once, every edge closed. The walk then stands where
 * the walk by seq would leave it (the head's hash was its last record's), for the control keys' check.
 */
async function chainComplete(store: KeyValueStore, p: VerifyProgress): Promise<boolean> {
  if (p.checked !== chainedTotal(p) || !(await closeByKey(store, p.edges ?? []))) return false;
  delete p.edges;
  p.markerNames = 0;
  if (p.head && p.checked > 0) Object.assign(p, { nextSeq: p.head.seq + 1, lastHash: p.head.hash });
  else p.nextSeq = p.anchor.firstSeq;
  return true;
}

/** Unless a purge since the snapshot explains it (start over), the passes of before name the problem. */
async function lookCloser(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  if (!(await restartIfPurged(store, p))) startNaming(p);
}

/**
 * A page that ends where the link bucket of the next seq ends: records come in seq order, so its
 * links are one bucket, one read (a page across two buckets reads both). `nextSeq` follows the last
 * chained record met; past the chain's end, full pages. It can stand still or move back (a record
 * linked late, met early in key order), so a bucket's last few seqs never make the page: a short
 * remainder takes half the next bucket too, and the page after ends on a bucket's end again.
 */
function pageSize(p: VerifyProgress): number {
  if (!p.head || p.nextSeq > p.head.seq) return STORE_LIMITS.maxQueryLimit;
  const rest = LINK_BLOCK - (p.nextSeq % LINK_BLOCK);
  return rest >= LINK_BLOCK / 4 ? rest : rest + LINK_BLOCK / 2;
}

export async function scanStep(store: KeyValueStore, p: VerifyProgress): Promise<void> {
  const page = await recordPage(store, p.afterKey, pageSize(p));
  const chained: ChainedRead[] = [];
  const pending: Array<{ key: string; rec: PendingRecord }> = [];
  for (const entity of page.items) {
    p.seen++;
    const stored = parseEntity(entity);
    if (!stored) return lookCloser(store, p);
    if (stored.pending) pending.push({ key: entity.key, rec: stored.record });
    else if (inSnapshot(p, stored.record.seq)) chained.push({ key: entity.key, record: stored.record });
    else if (!(await accountedOutside(store, stored.record.seq, entity.key))) return lookCloser(store, p);
  }
  const problem = await checkMarkers(store, pending, page.items.at(-1)?.key, p, chained);
  if (problem || !(await checkChained(store, chained, p))) return lookCloser(store, p);
  turnPage(p, page, 'markers');
  if (p.phase === 'markers' && !(await chainComplete(store, p))) return lookCloser(store, p);
}
