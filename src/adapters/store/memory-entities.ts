/**
 * MemoryStore's entities: items per entity plus, per index and partition, a sorted set of
 * `<sortable range>\0<key>` so an index query is a seek plus a walk (flat as data grows).
 */
import type { EntityDeclaration } from '../../core/ports/entities';
import type { EntityPage, EntityQuery } from '../../core/ports/store';
import { partitionText, prepareEntityQuery, rangeBounds, rangeHolds, sortable } from './entity-rules';
import { encodeCursor } from './kvs-rules';
import { SortedKeys } from './sorted-keys';

const SEP = '\u0000';

export class MemoryEntities {
  private readonly items = new Map<string, Map<string, string>>();
  private readonly indexes = new Map<string, SortedKeys>();

  has(entity: string, key: string): boolean {
    return this.items.get(entity)?.has(key) ?? false;
  }

  get(entity: string, key: string): string | undefined {
    return this.items.get(entity)?.get(key);
  }

  put(decl: EntityDeclaration, key: string, json: string): void {
    this.delete(decl, key);
    let table = this.items.get(decl.name);
    if (!table) this.items.set(decl.name, (table = new Map<string, string>()));
    table.set(key, json);
    for (const entry of indexEntries(decl, key, json)) this.bucket(entry.bucket).insert(entry.sortKey);
  }

  delete(decl: EntityDeclaration, key: string): void {
    const json = this.items.get(decl.name)?.get(key);
    if (json === undefined) return;
    for (const entry of indexEntries(decl, key, json)) this.bucket(entry.bucket).remove(entry.sortKey);
    this.items.get(decl.name)?.delete(key);
  }

  query<T>(query: EntityQuery): EntityPage<T> {
    const q = prepareEntityQuery(query, 'entity');
    const keys = this.indexes.get(bucketOf(q.decl.name, q.index.name, q.partition));
    if (!keys) return { items: [] };
    const { lo, hi } = rangeBounds(q.range);
    const walk = q.order === 'asc' ? keys.ascending(q.after ?? lo, q.after !== undefined) : keys.descending(q.after ?? `${hi}\uffff`);
    const found: string[] = [];
    for (const sortKey of walk) {
      const enc = sortKey.slice(0, sortKey.lastIndexOf(SEP));
      if (q.order === 'asc' ? enc >= hi : enc < lo) break;
      if (!rangeHolds(q.range, enc)) continue;
      found.push(sortKey);
      if (found.length > q.limit) break;
    }
    const page = found.slice(0, q.limit);
    const items = page.map((sortKey) => {
      const key = sortKey.slice(sortKey.lastIndexOf(SEP) + 1);
      return { key, value: JSON.parse(this.items.get(q.decl.name)?.get(key) as string) as T };
    });
    return found.length > q.limit ? { items, nextCursor: encodeCursor('entity', { prefix: q.scope, order: q.order }, page[page.length - 1]) } : { items };
  }

  private bucket(name: string): SortedKeys {
    let keys = this.indexes.get(name);
    if (!keys) this.indexes.set(name, (keys = new SortedKeys()));
    return keys;
  }
}

function bucketOf(entity: string, index: string, partition: unknown[]): string {
  return `${entity}${SEP}${index}${SEP}${partitionText(partition)}`;
}

function indexEntries(decl: EntityDeclaration, key: string, json: string): { bucket: string; sortKey: string }[] {
  const value = JSON.parse(json) as Record<string, string | number | boolean>;
  return decl.indexes.map((index) => ({
    bucket: bucketOf(decl.name, index.name, index.partition.map((a) => value[a])),
    sortKey: `${sortable(value[index.range])}${SEP}${key}`,
  }));
}
