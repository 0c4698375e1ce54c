/**
 * Content hashes of page versions (SPEC 2.4a). The body is read through the invocation's Confluence
 * access (as the caller; as the app in a job), hashed, and dropped: only the digest is cached.
 */
import { z } from 'zod';
import { contentHash, HASH_ALG, storageToText } from '../../domain/content-hash';
import { changedChars } from '../../domain/line-diff';
import type { PageApproval } from '../../domain/model';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { keys } from '../keys';

/** Hashes only speed reads up (they are recomputed when absent), so they expire. */
const HASH_TTL_SECONDS = 90 * 24 * 3600;

const cachedHashSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), hashAlg: z.literal(HASH_ALG) });

export function cacheHashOp(pageId: string, version: number, hash: string): TxOp {
  return { op: 'put', key: keys.contentHash(pageId, version), value: { hash, hashAlg: HASH_ALG }, ttlSeconds: HASH_TTL_SECONDS };
}

/** Read one version as the invocation's identity and hash it; undefined when it cannot be read. */
export async function computeHash(ctx: EngineContext, pageId: string, version: number): Promise<string | undefined> {
  const content = await ctx.confluence.getPageContent(pageId, version).catch(() => undefined);
  return content ? contentHash(content.title, content.bodyStorage) : undefined;
}

/**
 * The hash of a version: the cached one (another algorithm's is ignored), else computed and cached.
 * A failed cache write is harmless: the next read computes it again.
 */
export async function hashOfVersion(ctx: EngineContext, pageId: string, version: number): Promise<string | undefined> {
  const cached = await ctx.store.get(keys.contentHash(pageId, version));
  const parsed = cachedHashSchema.safeParse(cached?.value);
  if (parsed.success) return parsed.data.hash;
  const hash = await computeHash(ctx, pageId, version);
  if (hash) await ctx.store.transact([cacheHashOp(pageId, version, hash)]).catch(() => ctx.log('content hash not cached', { pageId, version }));
  return hash;
}

/**
 * content_change_tolerant: changed characters of title and text between the approved and the
 * current version, and the number of versions since; undefined when either cannot be read.
 */
export async function driftSince(ctx: EngineContext, approval: Pick<PageApproval, 'pageId' | 'pageVersion'>, currentVersion: number): Promise<{ versions: number; changedChars: number } | undefined> {
  const [before, after] = await Promise.all([
    ctx.confluence.getPageContent(approval.pageId, approval.pageVersion).catch(() => undefined),
    ctx.confluence.getPageContent(approval.pageId, currentVersion).catch(() => undefined),
  ]);
  if (!before || !after) return undefined;
  const chars = changedChars([before.title, ...storageToText(before.bodyStorage)], [after.title, ...storageToText(after.bodyStorage)]);
  return { versions: currentVersion - approval.pageVersion, changedChars: chars };
}
