/** Batched and bounded store reads shared by the use cases. */
import type { z } from 'zod';
import { FIELD_LIMITS } from '../domain/limits';
import { parseStored } from '../domain/schemas';
import type { KeyValueStore, StoredItem } from '../ports/store';
import { STORE_LIMITS } from '../ports/store';

/** `ids` without repeats, in chunks of at most one batched read (STORE_LIMITS.maxBatchGet). */
export function batchGetChunks(ids: readonly string[]): string[][] {
  const unique = [...new Set(ids)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += STORE_LIMITS.maxBatchGet) chunks.push(unique.slice(i, i + STORE_LIMITS.maxBatchGet));
  return chunks;
}

/** getMany in chunks of the store's batch limit, in parallel; result keyed by store key. */
export async function getManyByKey(store: Pick<KeyValueStore, 'getMany'>, storeKeys: string[]): Promise<Map<string, StoredItem>> {
  const results = await Promise.all(batchGetChunks(storeKeys).map((chunk) => store.getMany(chunk)));
  const out = new Map<string, StoredItem>();
  for (const items of results) for (const item of items) out.set(item.key, item);
  return out;
}

/** Clamp a requested page size to 1..max (default `fallback`). */
export function pageLimit(requested: number | undefined, fallback: number = FIELD_LIMITS.listPage.default, max = STORE_LIMITS.maxQueryLimit): number {
  return Math.min(Math.max(requested ?? fallback, 1), max);
}

/** One stored record, re-validated with its schema (a corrupt one is CORRUPT_RECORD); undefined when absent. */
export async function getParsed<T>(store: KeyValueStore, key: string, schema: z.ZodType<T>): Promise<{ item: StoredItem; value: T } | undefined> {
  const item = await store.get(key);
  return item ? { item, value: parseStored(schema, item.key, item.value) } : undefined;
}
