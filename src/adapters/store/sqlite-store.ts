import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../core/ports/clock';
import { StoreError } from '../../core/ports/store';
import type { EntityItem, EntityPage, EntityQuery, KeyValueStore, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';
import type { SecretStore } from '../../core/ports/secrets';
import { declarationOf } from './entity-rules';
import { assertKey, conditionHolds, encodeCursor, expiryOf, prepareGetManyKeys, prepareQuery, serialiseValue } from './kvs-rules';
import { ENTITY_SCHEMA, SqliteEntities } from './sqlite-entities';
import { prepareTransaction, type PreparedOp } from './transaction-rules';

export type SqliteStoreOptions = ({ file: string } | { memory: true }) & { clock?: Clock; busyTimeoutMs?: number };

interface Row {
  key: string;
  value: string;
  version: number;
}

/** Every key allowed by the key pattern sorts below this, so [prefix, prefix + MAX) is the prefix range. */
const ABOVE_ANY_KEY_CHAR = '\uffff';

/** Storage layout of this build (SQLite user_version): 2 = declared entities (issue 13). */
export const LAYOUT_VERSION = 2;

/** SQLite `application_id` of ApprovalFlow data files ("AFLW"): what tells our file from another program's. */
export const APPLICATION_ID = 0x41464c57;

/** The tables this store creates; a file holding any other table is not ours. */
const OUR_TABLES = new Set(['kv_items', 'entity_items', 'entity_index']);

/**
 * Opens only files that are ours: an empty file (made ours here), one stamped with our application
 * id and this layout, or one of this layout written before the stamp existed (only our tables).
 * Anything else (another program's database, an older layout) is refused before anything is
 * written to it, never migrated or reset (docs/decisions.md).
 */
function claimOrRefuse(db: Database.Database, file: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  const onlyOurs = tables.every((t) => OUR_TABLES.has(t));
  if (appId === APPLICATION_ID && version === LAYOUT_VERSION) return;
  if (appId === 0 && tables.length === 0 && version === 0) return;
  if (appId === 0 && onlyOurs && version === LAYOUT_VERSION) return;
  const hasItems = appId === 0 && onlyOurs && version === 0 && tables.includes('kv_items') && db.prepare('SELECT 1 FROM kv_items LIMIT 1').get() !== undefined;
  if (appId === 0 && onlyOurs && version === 0 && !hasItems) return;
  db.close();
  if (appId === APPLICATION_ID || hasItems) {
    throw new Error(
      `The local data file ${file} was written by an older ApprovalFlow storage layout (version ${version}, this build needs ${LAYOUT_VERSION}). ` +
        'It is left untouched: start with another --data-dir, or delete that directory to start fresh.',
    );
  }
  throw new Error(`The local data file ${file} is another program's SQLite database, not ApprovalFlow's. It is left untouched: start with another --data-dir.`);
}

/** Embedded KeyValueStore for the local runtime: one SQLite file, WAL, real transactions; secrets in their own table (never queried with items). */
export class SqliteStore implements KeyValueStore, SecretStore {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly stmt: {
    get: Database.Statement<[string, number], Row>;
    upsert: Database.Statement<[string, string, number, number | null]>;
    delete: Database.Statement<[string]>;
    purgeExpired: Database.Statement<[number]>;
    queryAsc: Database.Statement<[string, string, string, number, number], Row>;
    queryDesc: Database.Statement<[string, string, string, number, number], Row>;
  };
  private readonly runTransaction: (ops: PreparedOp[]) => void;
  private readonly entities: SqliteEntities;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    if ('file' in options) {
      mkdirSync(dirname(options.file), { recursive: true });
      this.db = new Database(options.file);
      // before anything is written: not even the journal mode of a file that is not ours changes
      claimOrRefuse(this.db, options.file);
      this.db.pragma('journal_mode = WAL');
      // WAL + NORMAL survives process crashes; only an OS crash can lose the last commits.
      this.db.pragma('synchronous = NORMAL');
    } else {
      this.db = new Database(':memory:');
    }
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS kv_items (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        expires_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS kv_items_expiry ON kv_items (expires_at) WHERE expires_at IS NOT NULL;
      CREATE TABLE IF NOT EXISTS kv_secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      ${ENTITY_SCHEMA}
    `);
    this.db.pragma(`user_version = ${LAYOUT_VERSION}`);
    this.db.pragma(`application_id = ${APPLICATION_ID}`);
    this.entities = new SqliteEntities(this.db);
    const live = '(expires_at IS NULL OR expires_at > ?)';
    this.stmt = {
      get: this.db.prepare(`SELECT key, value, version FROM kv_items WHERE key = ? AND ${live}`),
      upsert: this.db.prepare(
        `INSERT INTO kv_items (key, value, version, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at`,
      ),
      delete: this.db.prepare('DELETE FROM kv_items WHERE key = ?'),
      purgeExpired: this.db.prepare('DELETE FROM kv_items WHERE expires_at IS NOT NULL AND expires_at <= ?'),
      // Params: prefix, end of the prefix range, resume key (the range end when not resuming), now, limit.
      queryAsc: this.db.prepare(
        `SELECT key, value, version FROM kv_items WHERE key >= ? AND key < ? AND key > ? AND ${live} ORDER BY key ASC LIMIT ?`,
      ),
      queryDesc: this.db.prepare(
        `SELECT key, value, version FROM kv_items WHERE key >= ? AND key < ? AND key < ? AND ${live} ORDER BY key DESC LIMIT ?`,
      ),
    };
    const tx = this.db.transaction((ops: PreparedOp[]) => this.applyInTransaction(ops));
    // IMMEDIATE takes the write lock before the conditions are read, so another connection cannot
    // change a checked key between the check and the write.
    this.runTransaction = (ops) => tx.immediate(ops);
  }

  async get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    assertKey(key);
    const row = this.guard(() => this.stmt.get.get(key, this.clock.now()));
    return row && toItem<T>(row);
  }

  async getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    const unique = prepareGetManyKeys(keys);
    const now = this.clock.now();
    return this.guard(() =>
      unique.flatMap((key) => {
        const row = this.stmt.get.get(key, now);
        return row ? [toItem<T>(row)] : [];
      }),
    );
  }

  async query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    const q = prepareQuery(options, 'key');
    const upper = q.prefix + ABOVE_ANY_KEY_CHAR;
    const rows = this.guard(() =>
      q.order === 'asc'
        ? this.stmt.queryAsc.all(q.prefix, upper, q.after ?? '', this.clock.now(), q.limit + 1)
        : this.stmt.queryDesc.all(q.prefix, upper, q.after ?? upper, this.clock.now(), q.limit + 1),
    );
    const page = rows.slice(0, q.limit);
    const items = page.map((row) => toItem<T>(row));
    return rows.length > q.limit ? { items, nextCursor: encodeCursor('key', q, page[page.length - 1].key) } : { items };
  }

  async transact(ops: TxOp[]): Promise<void> {
    const prepared = prepareTransaction(ops);
    this.guard(() => this.runTransaction(prepared));
  }

  async getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    const decl = declarationOf(entity);
    const unique = prepareGetManyKeys(keys);
    return this.guard(() => this.entities.getMany<T>(decl.name, unique));
  }

  async queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    return this.guard(() => this.entities.query<T>(query));
  }

  async getSecret<T = unknown>(key: string): Promise<T | undefined> {
    assertKey(key);
    const row = this.guard(() => this.db.prepare('SELECT value FROM kv_secrets WHERE key = ?').get(key) as { value: string } | undefined);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    assertKey(key);
    const json = serialiseValue(key, value);
    this.guard(() => this.db.prepare('INSERT INTO kv_secrets (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, json));
  }

  async deleteSecret(key: string): Promise<void> {
    assertKey(key);
    this.guard(() => this.db.prepare('DELETE FROM kv_secrets WHERE key = ?').run(key));
  }

  close(): void {
    this.db.close();
  }

  private applyInTransaction(ops: PreparedOp[]): void {
    const now = this.clock.now();
    this.stmt.purgeExpired.run(now);
    const current = new Map(
      ops.map((op) => [op.key, op.entity ? (this.entities.has(op.entity.name, op.key) ? { version: 1 } : undefined) : this.stmt.get.get(op.key, now)]),
    );
    for (const op of ops) {
      if (op.condition && !conditionHolds(op.condition, current.get(op.key))) {
        // Throwing inside the transaction function rolls it back.
        throw new StoreError('CONDITION_FAILED', `The condition on "${op.key}" does not hold; nothing was written.`);
      }
    }
    for (const op of ops) {
      if (op.entity) {
        if (op.op === 'put') this.entities.put(op.entity, op.key, op.json);
        else if (op.op === 'delete') this.entities.delete(op.entity, op.key);
      } else if (op.op === 'put') {
        const version = (current.get(op.key)?.version ?? 0) + 1;
        this.stmt.upsert.run(op.key, op.json, version, expiryOf(now, op.ttlSeconds) ?? null);
      } else if (op.op === 'delete') {
        this.stmt.delete.run(op.key);
      }
    }
  }

  /** SQLite failures surface as STORAGE_FULL (a full disk) or UNAVAILABLE (busy past the timeout, closed database, I/O). */
  private guard<R>(work: () => R): R {
    try {
      return work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_FULL') throw new StoreError('STORAGE_FULL', 'The local store is out of disk space; nothing was written.');
      throw new StoreError('UNAVAILABLE', `The local store is unavailable${typeof code === 'string' ? ` (${code})` : ''}.`);
    }
  }
}

function toItem<T>(row: Row): StoredItem<T> {
  return { key: row.key, value: JSON.parse(row.value) as T, version: row.version };
}
