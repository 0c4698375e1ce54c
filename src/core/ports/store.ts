/**
 * Storage port: the only way the core persists anything.
 *
 * Shaped after what Forge KVS can really do (see docs/storage.md), so code that works on the local
 * stores cannot fail on Forge for a limit reason. Every implementation MUST enforce:
 *  - key: 1..500 chars of [a-zA-Z0-9:._ #-] (no "/"), not only whitespace
 *  - value: JSON (no undefined at top level, no null at top level), serialised size ≤ 240 KiB
 *  - query: key-prefix only, page size 1..100 (default 10), opaque cursor, ascending or descending key order
 *  - transact: 1..25 operations, each key at most once, all-or-nothing, optional per-op conditions
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

export type TxOp =
  | { op: 'put'; key: string; value: unknown; condition?: Condition; ttlSeconds?: number }
  | { op: 'delete'; key: string; condition?: Condition }
  | { op: 'check'; key: string; condition: Condition };

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
  | 'RATE_LIMITED'
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
  maxBatchGet: 25,
} as const;
