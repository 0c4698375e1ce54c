/**
 * Storage port: the only way the core persists anything.
 *
 * Shaped after what Forge KVS can really do (see docs/storage.md), so code that works on the local
 * stores cannot fail on Forge for a limit reason. Every implementation MUST enforce:
 *  - key: 1..500 chars of [a-zA-Z0-9:._ #-] (no "/"), not only whitespace
 *  - value: JSON (no undefined at top level, no null at top level), serialised size ≤ 240 KiB
 *  - query: key-prefix only, page size 1..100 (default 10), opaque cursor, ascending or descending key order
 *  - transact: 1..25 operations, each key at most once, all-or-nothing, optional per-op conditions
 *  - entities (ports/entities.ts): declared attributes (strict types, 32-bit integers) and ≤ 7 indexes
 *    (partition attributes + one range attribute); entity puts/deletes/checks go in the same
 *    transact as plain ops (op.entity names the entity); queries read one index with every
 *    partition value, an optional range condition, asc/desc, limit 1..100, opaque cursor
 * Violations throw StoreError with a stable code; a failed condition throws with code CONDITION_FAILED
 * and nothing of the transaction is applied.
 */

export interface StoredItem<T = unknown> {
  key: string;
  value: T;
  /** Store-assigned, starts at 1 on create and increments on every put. Used for optimistic concurrency. */
  version: number;
}

/** Conditions checked atomically inside a transaction. */
export type Condition =
  | { kind: 'absent' } // key must not exist (create-if-absent)
  | { kind: 'exists' }
  | { kind: 'version'; version: number }; // key must exist at exactly this version

/**
 * `entity` absent: a plain item (versioned, TTL allowed). `entity` set: an item of that declared
 * entity; its value is an object of declared attributes, no TTL, and conditions are absent/exists
 * only (entities carry no store version).
 */
export type TxOp =
  | { op: 'put'; key: string; value: unknown; condition?: Condition; ttlSeconds?: number; entity?: string }
  | { op: 'delete'; key: string; condition?: Condition; entity?: string }
  | { op: 'check'; key: string; condition: Condition; entity?: string };

/** Range condition on an index's range attribute (values of that attribute's type). */
export type RangeCondition =
  | { op: 'between'; from: RangeValue; to: RangeValue }
  | { op: 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith'; value: RangeValue };

/** Range attributes are strings or numbers (Forge compares them natively). */
export type RangeValue = string | number;

export type EntityScalar = string | number | boolean;

export interface EntityQuery {
  entity: string;
  index: string;
  /** One value per partition attribute of the index, in declaration order. */
  partition: EntityScalar[];
  range?: RangeCondition;
  /** default 'asc' (by range value, then key) */
  order?: 'asc' | 'desc';
  /** 1..100, default 10 */
  limit?: number;
  cursor?: string;
}

export interface EntityItem<T = Record<string, unknown>> {
  key: string;
  value: T;
}

export interface EntityPage<T = Record<string, unknown>> {
  items: EntityItem<T>[];
  nextCursor?: string;
}

export interface QueryOptions {
  prefix: string;
  /** 1..100, default 10 */
  limit?: number;
  cursor?: string;
  /** default 'asc' (by key) */
  order?: 'asc' | 'desc';
}

export interface QueryPage<T = unknown> {
  items: StoredItem<T>[];
  nextCursor?: string;
}

export interface KeyValueStore {
  get<T = unknown>(key: string): Promise<StoredItem<T> | undefined>;
  /** Up to 25 keys per call (Forge batchGet limit); missing keys are simply absent from the result. */
  getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]>;
  query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>>;
  /** All-or-nothing. Throws StoreError('CONDITION_FAILED') when any condition fails. */
  transact(ops: TxOp[]): Promise<void>;
  /** Up to 25 items of one entity; missing keys are absent from the result. */
  getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]>;
  /** One page of one index of one entity (see EntityQuery). */
  queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>>;
}

export type StoreErrorCode =
  | 'CONDITION_FAILED'
  | 'INVALID_KEY'
  | 'VALUE_TOO_LARGE'
  | 'INVALID_VALUE'
  | 'TOO_MANY_OPERATIONS'
  | 'DUPLICATE_KEY_IN_TRANSACTION'
  | 'INVALID_QUERY'
  | 'INVALID_CURSOR'
  | 'INVALID_ENTITY'
  | 'RATE_LIMITED'
  /** out of space (a full disk): nothing was written; retry once space is freed (503) */
  | 'STORAGE_FULL'
  | 'UNAVAILABLE';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export const STORE_LIMITS = {
  maxKeyLength: 500,
  keyPattern: /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/,
  maxValueBytes: 240 * 1024,
  maxQueryLimit: 100,
  defaultQueryLimit: 10,
  maxTransactionOps: 25,
  /** Forge counts writes against the installation's per-minute quota in units of 10 KB of a transaction's payload. */
  writeUnitBytes: 10 * 1024,
  maxBatchGet: 25,
} as const;

/**
 * Estimated payload of a transaction against STORE_LIMITS.writeUnitBytes: its ops as JSON, plus what
 * each op adds on the wire beyond that, and the request's own. Measured on the Forge meter's request
 * bodies (@forge/kvs, bench section 8; docs/benchmarks.md, issue 23 item 4) as upper bounds: an entity
 * put travels as {key, value, entityName, conditions} (≤ 50 bytes more than its TxOp JSON); a plain
 * item's put wraps its value in the af-item envelope {ns, k, ver, data}, repeating its key (≤ 215 +
 * the key); a check or delete names the entity and its condition (≤ 90).
 */
export const WRITE_FRAMING = { entityPut: 50, plainPut: 215, otherOp: 90, perTransaction: 300 } as const;

function opFraming(op: TxOp): number {
  if (op.op !== 'put') return WRITE_FRAMING.otherOp;
  return op.entity ? WRITE_FRAMING.entityPut : WRITE_FRAMING.plainPut + op.key.length;
}

/** txPayloadBytes(ops): the estimate above for a transaction of these ops. */
export function txPayloadBytes(ops: readonly TxOp[]): number {
  return ops.reduce((n, op) => n + opFraming(op), JSON.stringify(ops).length + WRITE_FRAMING.perTransaction);
}
