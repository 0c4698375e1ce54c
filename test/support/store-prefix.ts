/** Every item under a key prefix, following the cursor (tests and bench: the whole of a small store). */
import type { KeyValueStore, StoredItem } from '../../src/core/ports/store';

export async function itemsWithPrefix(store: KeyValueStore, prefix: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query({ prefix, limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
