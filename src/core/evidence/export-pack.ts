/**
 * evidence.export (SPEC 5a): one chunk of an evidence pack per call. The first chunk signs a fresh
 * checkpoint (so the segment covers every in-scope record), reads the in-scope audit records, signs
 * which records the pack holds, records `evidence.exported`, and starts the chain segment (from the
 * first in-scope record to the checkpoint); later chunks continue the segment, 500 links each, so
 * every answer stays far below Forge's 5 MB invocation payload. pack-format.ts joins them.
 */
import { z } from 'zod';
import { linksOf } from '../audit/chain-read';
import { readChainState } from '../audit/chain-state';
import { recordDigest, recordHash } from '../audit/hash';
import { parseEntity } from '../audit/records';
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { FIELD_LIMITS } from '../domain/limits';
import type { AuditRecord } from '../domain/model';
import { AUDIT_ENTITY } from '../ports/entities';
import { STORE_LIMITS } from '../ports/store';
import { SpaceAccess } from '../services/access';
import { loadVisibleApproval } from '../services/approvals/records';
import { loadReadableChangeSet } from '../services/changesets/guards';
import { auditEntry, commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { denial } from '../services/denials';
import { defineOperation } from '../services/operation';
import { PageCache } from '../services/page-cache';
import { signCheckpoint } from './checkpoint';
import { pinnedPageReads, setApprovalScope, type ScopeRead } from './set-scope';
import { currentSigningKey, publishedKeys, signText } from './installation-key';
import { EVIDENCE_FORMAT, attestationPayload, type ChainEntry, type EvidenceChunk, type EvidenceScope, type PackHeader } from '../domain/evidence-pack-format';

/** Links per chunk: ~200 bytes each, so a chunk is ~100 KB. */
export const CHAIN_CHUNK = 500;
/** In-scope records one pack holds (the first chunk carries them all: ~1 KB each). */
export const MAX_PACK_RECORDS = FIELD_LIMITS.evidencePackRecords.max;

const cursorSchema = z.object({ next: z.number().int().min(1), to: z.number().int().min(1) }).strict();

interface ResolvedScope {
  spaceId: string;
  reads: ScopeRead[];
}

const all = (records: AuditRecord[]) => records;

const OP = 'evidence.export';

async function resolveScope(ctx: EngineContext, caller: Caller, access: SpaceAccess, scope: EvidenceScope): Promise<ResolvedScope> {
  const pages = new PageCache(ctx, caller.accountId);
  if ('pageId' in scope) {
    const page = await pages.visiblePage(caller, scope.pageId, OP);
    return { spaceId: page.spaceId, reads: [{ filter: { pageId: scope.pageId }, select: all }, ...(await pinnedPageReads(ctx, scope.pageId))] };
  }
  if ('approvalId' in scope) {
    const set = await setApprovalScope(ctx, caller, access, scope.approvalId, OP);
    if (set) return { spaceId: set.spaceId, reads: [set.read] };
    // an approval of a page the caller cannot see answers exactly like a missing one (records.ts)
    const { approval } = await loadVisibleApproval(ctx, caller, scope.approvalId, OP);
    return { spaceId: approval.spaceId, reads: [{ filter: { pageId: approval.pageId }, select: (records) => records.filter((r) => r.approvalId === approval.id) }] };
  }
  const { cs } = await loadReadableChangeSet(ctx, caller, access, scope.changeSetId, OP);
  return { spaceId: cs.spaceId, reads: [{ filter: { changeSetId: cs.id }, select: all }] };
}

/** The records of each read up to the checkpoint, once each (reads may overlap), in chain order. */
async function inScopeRecords(ctx: EngineContext, resolved: ResolvedScope, upToSeq: number): Promise<AuditRecord[]> {
  const out = new Map<number, AuditRecord>();
  for (const read of resolved.reads) {
    const listed: AuditRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.audit.list(read.filter, { limit: STORE_LIMITS.maxQueryLimit, ...(cursor ? { cursor } : {}) });
      for (const r of page.items) if (!r.pending && r.seq <= upToSeq) listed.push(r);
      cursor = page.nextCursor;
    } while (cursor);
    for (const r of read.select(listed)) out.set(r.seq, r);
    if (out.size > MAX_PACK_RECORDS) {
      throw new DomainError('EVIDENCE_TOO_LARGE', `An evidence pack holds at most ${MAX_PACK_RECORDS} records; export one approval instead.`);
    }
  }
  return [...out.values()].sort((a, b) => a.seq - b.seq);
}

/** The chain links from..to (inclusive): format 2 as digests, format 1 as bare hashes. */
async function chainEntries(ctx: EngineContext, from: number, to: number): Promise<ChainEntry[]> {
  const entries: ChainEntry[] = [];
  const links = await linksOf(ctx.store, Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i));
  for (let start = from; start <= to; start += STORE_LIMITS.maxBatchGet) {
    const seqs = Array.from({ length: Math.min(STORE_LIMITS.maxBatchGet, to - start + 1) }, (_, i) => start + i);
    const keys = seqs.map((seq) => links.get(seq));
    if (keys.some((k) => typeof k !== 'string')) throw new DomainError('AUDIT_STATE_INVALID', 'An audit link is missing; run the audit verification.');
    const records = new Map((await ctx.store.getEntities(AUDIT_ENTITY, keys as string[])).map((e) => [e.key, parseEntity(e)]));
    for (const [i, seq] of seqs.entries()) {
      const stored = records.get(keys[i]!);
      if (!stored || stored.pending || stored.record.seq !== seq) throw new DomainError('AUDIT_STATE_INVALID', 'An audit record is damaged; run the audit verification.');
      const r = stored.record;
      entries.push(recordHash(r) === r.hash ? { seq, prevHash: r.prevHash, recordDigest: recordDigest(r), hash: r.hash } : { seq, prevHash: r.prevHash, hash: r.hash, legacy: true });
    }
  }
  return entries;
}

function nextCursorOf(next: number, to: number): string | undefined {
  return next <= to ? JSON.stringify({ next, to }) : undefined;
}

/** The scope, if the caller may export it (checked on every chunk: a right can end mid-export). */
async function authorizedScope(ctx: EngineContext, caller: Caller, scope: EvidenceScope): Promise<ResolvedScope> {
  const access = new SpaceAccess(ctx, caller.accountId);
  const resolved = await resolveScope(ctx, caller, access, scope);
  if (!(await access.isAdmin(resolved.spaceId))) {
    throw await denial(ctx, caller, new DomainError('FORBIDDEN', 'Only a site admin or an admin of this space can export evidence.'), resolved.spaceId, { operation: OP });
  }
  return resolved;
}

function parseCursor(cursor: string): z.infer<typeof cursorSchema> {
  let value: unknown;
  try {
    value = JSON.parse(cursor);
  } catch {
    value = undefined;
  }
  const parsed = cursorSchema.safeParse(value);
  if (!parsed.success || parsed.data.next > parsed.data.to) throw new DomainError('INVALID_CURSOR', 'The cursor is not valid; start again without a cursor.');
  return parsed.data;
}

async function firstChunk(ctx: EngineContext, caller: Caller, scope: EvidenceScope): Promise<EvidenceChunk> {
  const resolved = await authorizedScope(ctx, caller, scope);
  const checkpoint = (await signCheckpoint(ctx)) ?? null;
  const records = checkpoint ? await inScopeRecords(ctx, resolved, checkpoint.seq) : [];
  const { anchor } = await readChainState(ctx.store);
  const from = Math.max(records[0]?.seq ?? (checkpoint ? checkpoint.seq + 1 : 1), anchor.firstSeq);
  const to = checkpoint?.seq ?? 0;
  const base = { format: EVIDENCE_FORMAT, scope, generatedAt: ctx.clock.now(), generatedBy: caller.accountId } as const;
  let attestation: PackHeader['attestation'] = null;
  if (checkpoint) {
    const key = await currentSigningKey(ctx);
    const statement = { checkpointSeq: checkpoint.seq, seqs: records.map((r) => r.seq) };
    attestation = { ...statement, keyId: key.keyId, signature: signText(key, attestationPayload(base, statement)) };
  }
  const header: PackHeader = { ...base, checkpoint, attestation, keys: await publishedKeys(ctx), records };
  const last = Math.min(to, from + CHAIN_CHUNK - 1);
  const chain = to >= from ? await chainEntries(ctx, from, last) : [];
  await commitWithAudit(ctx, [], [auditEntry(caller, 'evidence.exported', resolved.spaceId, {
    ...('pageId' in scope ? { pageId: scope.pageId } : {}),
    ...('changeSetId' in scope ? { changeSetId: scope.changeSetId } : {}),
    ...('approvalId' in scope ? { approvalId: scope.approvalId } : {}),
    details: { records: records.length, checkpointSeq: to },
  })]);
  const nextCursor = nextCursorOf(last + 1, to);
  return { header, chain, ...(nextCursor ? { nextCursor } : {}) };
}

export const exportEvidence = defineOperation({
  rights: "Site admins, and space admins of the scope's space (FORBIDDEN 403, audited); a page, approval or change set the caller cannot see answers as a missing one (404).",
  async execute(ctx: EngineContext, caller: Caller, scope: EvidenceScope, cursor?: string): Promise<EvidenceChunk> {
    if (cursor === undefined) return firstChunk(ctx, caller, scope);
    // The transport sealed the cursor to this caller and scope; only its position is read here.
    const { next, to } = parseCursor(cursor);
    await authorizedScope(ctx, caller, scope);
    const last = Math.min(to, next + CHAIN_CHUNK - 1);
    const chain = await chainEntries(ctx, next, last);
    const nextCursor = nextCursorOf(last + 1, to);
    return { chain, ...(nextCursor ? { nextCursor } : {}) };
  },
});
