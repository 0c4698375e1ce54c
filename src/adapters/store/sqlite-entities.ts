/**
 * SqliteStore's entities: `entity_items` holds the values and `entity_index` one row per item per
 * declared index, keyed (entity, idx, part, rng, key) WITHOUT ROWID, so an index query is one
 * range seek on the composite primary key (flat as data grows).
 */
import type Database from 'better-sqlite3';
import type { EntityDeclaration } from '../../core/ports/entities';
import type { EntityItem, EntityPage, EntityQuery } from '../../core/ports/store';
import { partitionText, prepareEntityQuery, rangeBounds, rangeHolds, sortable } from './entity-rules';
import { encodeCursor } from './kvs-rules';

export const ENTITY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS entity_items (
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (entity, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS entity_index (
    entity TEXT NOT NULL,
    idx TEXT NOT NULL,
    part TEXT NOT NULL,
    rng TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (entity, idx, part, rng, key)
  ) WITHOUT ROWID;
  -- rewriting or deleting an item finds its index rows without a scan
  CREATE INDEX IF NOT EXISTS entity_index_by_key ON entity_index (entity, key);
`;

interface IndexRow {
  rng: string;
  key: string;
  value: string;
}

export class SqliteEntities {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare<[string, string], { value: string }>('SELECT value FROM entity_items WHERE entity = ? AND key = ?'),
      put: db.prepare<[string, string, string]>(
        'INSERT INTO entity_items (entity, key, value) VALUES (?, ?, ?) ON CONFLICT (entity, key) DO UPDATE SET value = excluded.value',
      ),
      delete: db.prepare<[string, string]>('DELETE FROM entity_items WHERE entity = ? AND key = ?'),
      unindex: db.prepare<[string, string]>('DELETE FROM entity_index WHERE entity = ? AND key = ?'),
      index: db.prepare<[string, string, string, string, string]>('INSERT INTO entity_index (entity, idx, part, rng, key) VALUES (?, ?, ?, ?, ?)'),
      // Params: entity, idx, part, lo, hi, resume (rng, key) as a row value, limit.
      asc: db.prepare<[string, string, string, string, string, string, string, number], IndexRow>(
        `SELECT i.rng, i.key, e.value FROM entity_index i JOIN entity_items e ON e.entity = i.entity AND e.key = i.key
         WHERE i.entity = ? AND i.idx = ? AND i.part = ? AND i.rng >= ? AND i.rng < ? AND (i.rng, i.key) > (?, ?)
         ORDER BY i.rng ASC, i.key ASC LIMIT ?`,
      ),
      desc: db.prepare<[string, string, string, string, string, string, string, number], IndexRow>(
        `SELECT i.rng, i.key, e.value FROM entity_index i JOIN entity_items e ON e.entity = i.entity AND e.key = i.key
         WHERE i.entity = ? AND i.idx = ? AND i.part = ? AND i.rng >= ? AND i.rng < ? AND (i.rng, i.key) < (?, ?)
         ORDER BY i.rng DESC, i.key DESC LIMIT ?`,
      ),
    };
  }

  has(entity: string, key: string): boolean {
    return this.stmt.get.get(entity, key) !== undefined;
  }

  getMany<T>(entity: string, keys: string[]): EntityItem<T>[] {
    return keys.flatMap((key) => {
      const row = this.stmt.get.get(entity, key);
      return row ? [{ key, value: JSON.parse(row.value) as T }] : [];
    });
  }

  /** Call inside the store's transaction. */
  put(decl: EntityDeclaration, key: string, json: string): void {
    this.stmt.unindex.run(decl.name, key);
    this.stmt.put.run(decl.name, key, json);
    const value = JSON.parse(json) as Record<string, string | number | boolean>;
    for (const index of decl.indexes) {
      this.stmt.index.run(decl.name, index.name, partitionText(index.partition.map((a) => value[a])), sortable(value[index.range]), key);
    }
  }

  delete(decl: EntityDeclaration, key: string): void {
    this.stmt.unindex.run(decl.name, key);
    this.stmt.delete.run(decl.name, key);
  }

  query<T>(query: EntityQuery): EntityPage<T> {
    const q = prepareEntityQuery(query, 'entity');
    const { lo, hi } = rangeBounds(q.range);
    const [afterRng, afterKey] = q.after === undefined ? (q.order === 'asc' ? ['', ''] : ['\uffff', '']) : (JSON.parse(q.after) as [string, string]);
    const part = partitionText(q.partition);
    const stmt = q.order === 'asc' ? this.stmt.asc : this.stmt.desc;
    const found: IndexRow[] = [];
    // The bounds are a superset of what the condition accepts (e.g. gt includes equal): filter, read on.
    let resume: [string, string] = [afterRng, afterKey];
    for (;;) {
      const rows = stmt.all(q.decl.name, q.index.name, part, lo, hi, resume[0], resume[1], q.limit + 1);
      for (const row of rows) if (rangeHolds(q.range, row.rng) && found.length <= q.limit) found.push(row);
      if (rows.length <= q.limit || found.length > q.limit) break;
      resume = [rows[rows.length - 1].rng, rows[rows.length - 1].key];
    }
    const page = found.slice(0, q.limit);
    const items = page.map((row) => ({ key: row.key, value: JSON.parse(row.value) as T }));
    if (found.length <= q.limit) return { items };
    const last = page[page.length - 1];
    return { items, nextCursor: encodeCursor('entity', { prefix: q.scope, order: q.order }, JSON.stringify([last.rng, last.key])) };
  }
}
