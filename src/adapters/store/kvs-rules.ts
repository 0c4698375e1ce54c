/**
 * The KeyValueStore rules, in one place, so the local stores and the Forge adapter reject exactly
 * the same inputs (code that works locally must not fail on Forge for a limit reason).
 * See docs/store-contract.md.
 */
import { createHash } from 'node:crypto';
import { STORE_LIMITS, StoreError } from '../../core/ports/store';
import type { Condition, QueryOptions } from '../../core/ports/store';

/** Forge rejects values nested deeper than this (documented as 31 or 32; we take the lower). */
export const MAX_VALUE_DEPTH = 31;
/** Forge's limit on one transaction's request payload (documented 4 MB); counted as the envelopes written. */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** Forge TTL may not exceed one year. */
export const MAX_TTL_SECONDS = 365 * 24 * 60 * 60;

/**
 * On Forge every item is stored as the entity value `{ns, k, ver, data}` (see forge-kvs-store.ts),
 * and the 240 KiB limit applies to that whole envelope. Every store measures the same envelope so
 * a value accepted locally also fits on Forge.
 */
export function envelopeOf(key: string, version: number, data: unknown, expiresAt?: number): ItemEnvelope {
  return { ns: namespaceOf(key), k: key, ver: version, data, ...(expiresAt !== undefined ? { exp: expiresAt } : {}) };
}

export interface ItemEnvelope {
  ns: string;
  k: string;
  ver: number;
  data: unknown;
  /** Expiry (epoch ms) of an item written with a TTL: readers filter on it themselves, because Forge
   * may keep serving an expired item for up to 48 h and may not report its expireTime everywhere. */
  exp?: number;
}

/** Largest epoch-ms expiry an envelope can carry (for measuring its size). */
const MAX_EXPIRY_MS = 9_999_999_999_999;

/** Largest version an entity `integer` attribute (32-bit signed) can hold. */
export const MAX_VERSION = 2_147_483_647;

export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new StoreError('INVALID_KEY', 'A store key must be a non-empty string.');
  }
  if (key.length > STORE_LIMITS.maxKeyLength) {
    throw new StoreError('INVALID_KEY', `A store key must be at most ${STORE_LIMITS.maxKeyLength} characters.`);
  }
  if (!STORE_LIMITS.keyPattern.test(key)) {
    throw new StoreError('INVALID_KEY', 'A store key may only contain letters, digits, spaces and : . _ - #.');
  }
  if (key.startsWith(':')) {
    // The namespace (text before the first ':') is the Forge index partition; it cannot be empty.
    throw new StoreError('INVALID_KEY', 'A store key must not start with ":".');
  }
}

/** The key's namespace: everything before the first ':' (the whole key when there is none). */
export function namespaceOf(key: string): string {
  const colon = key.indexOf(':');
  return colon === -1 ? key : key.slice(0, colon);
}

/**
 * Validates a value and returns its JSON text. Only plain JSON is accepted (finite numbers, no
 * functions, Dates, Maps, class instances or cycles) so every store returns exactly what was
 * stored; object properties whose value is undefined are dropped, as JSON does.
 */
export function serialiseValue(key: string, value: unknown): string {
  return measureValue(key, value).json;
}

/** The value's JSON and the bytes its envelope takes on Forge (for the transaction payload limit). */
export function measureValue(key: string, value: unknown): { json: string; envelopeBytes: number } {
  if (value === undefined || value === null) {
    throw new StoreError('INVALID_VALUE', 'A stored value must not be null or undefined.');
  }
  // Depth 1 is the envelope itself: Forge counts the stored entity value, whose `data` is one level down.
  assertPlainJson(value, 1, new Set());
  const json = JSON.stringify(value);
  // Envelope size = value bytes + the largest envelope around it (measured with a one-byte placeholder value).
  const envelopeBytes =
    Buffer.byteLength(json, 'utf8') + Buffer.byteLength(JSON.stringify(envelopeOf(key, MAX_VERSION, 0, MAX_EXPIRY_MS)), 'utf8') - 1;
  if (envelopeBytes > STORE_LIMITS.maxValueBytes) {
    throw new StoreError(
      'VALUE_TOO_LARGE',
      `The value for "${key}" is ${envelopeBytes} bytes stored; the limit is ${STORE_LIMITS.maxValueBytes}.`,
    );
  }
  return { json, envelopeBytes };
}

function assertPlainJson(value: unknown, depth: number, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new StoreError('INVALID_VALUE', 'Numbers in a stored value must be finite.');
      return;
    case 'object':
      break;
    default:
      throw new StoreError('INVALID_VALUE', `A stored value cannot contain a ${typeof value}.`);
  }
  if (value === null) return; // nested null is plain JSON; top-level null is rejected by the caller
  if (depth + 1 > MAX_VALUE_DEPTH) {
    throw new StoreError('INVALID_VALUE', `A stored value may nest at most ${MAX_VALUE_DEPTH} levels.`);
  }
  if (seen.has(value)) throw new StoreError('INVALID_VALUE', 'A stored value must not contain cycles.');
  seen.add(value);
  if (Array.isArray(value)) {
    for (const element of value) {
      if (element === undefined) throw new StoreError('INVALID_VALUE', 'Arrays in a stored value cannot hold undefined.');
      assertPlainJson(element, depth + 1, seen);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new StoreError('INVALID_VALUE', 'A stored value may only contain plain objects and arrays.');
    }
    for (const property of Object.values(value)) {
      if (property !== undefined) assertPlainJson(property, depth + 1, seen);
    }
  }
  seen.delete(value);
}

export function assertCondition(condition: unknown): asserts condition is Condition {
  const c = condition as { kind?: unknown; version?: unknown } | undefined;
  if (c?.kind === 'absent' || c?.kind === 'exists') return;
  const version = c?.version;
  if (c?.kind === 'version' && typeof version === 'number' && Number.isInteger(version) && version >= 1 && version < MAX_VERSION) return;
  throw new StoreError('INVALID_VALUE', 'A condition must be absent, exists, or version with a positive integer.');
}

/** Whether a condition holds against the current (unexpired) item, or undefined when absent. */
export function conditionHolds(condition: Condition, current: { version: number } | undefined): boolean {
  switch (condition.kind) {
    case 'absent':
      return current === undefined;
    case 'exists':
      return current !== undefined;
    case 'version':
      return current !== undefined && current.version === condition.version;
  }
}

/** Validates getMany keys; duplicates are collapsed (each item is returned once, in first-seen order). */
export function prepareGetManyKeys(keys: string[]): string[] {
  if (!Array.isArray(keys)) throw new StoreError('INVALID_KEY', 'getMany needs an array of keys.');
  const unique = [...new Set(keys)];
  if (unique.length > STORE_LIMITS.maxBatchGet) {
    throw new StoreError('TOO_MANY_OPERATIONS', `getMany reads at most ${STORE_LIMITS.maxBatchGet} keys per call.`);
  }
  unique.forEach((key) => assertKey(key));
  return unique;
}

/**
 * Which store family wrote a cursor; a cursor is only valid for the family (and query) that made it.
 * 'lag': the eventual-index twin's own, which wraps its inner store's cursor.
 */
export type CursorKind = 'key' | 'forge' | 'entity' | 'lag';

export interface PreparedQuery {
  prefix: string;
  namespace: string;
  limit: number;
  order: 'asc' | 'desc';
  /** Decoded resume position (last key for 'key' cursors, Forge's cursor for 'forge'). */
  after?: string;
}

/**
 * A prefix must include its namespace and the ':' after it ("wf:" or "wf:eng"), because on Forge a
 * query reads one index partition (the namespace); a bare "wf" could otherwise match "wfx:..." locally
 * but not on Forge.
 */
export function prepareQuery(options: QueryOptions, kind: CursorKind): PreparedQuery {
  const { prefix } = options ?? ({} as QueryOptions);
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw new StoreError('INVALID_QUERY', 'A query needs a non-empty key prefix.');
  }
  if (prefix.length > STORE_LIMITS.maxKeyLength || !STORE_LIMITS.keyPattern.test(prefix)) {
    throw new StoreError('INVALID_QUERY', 'A query prefix must be a valid start of a store key.');
  }
  if (prefix.indexOf(':') < 1) {
    throw new StoreError('INVALID_QUERY', 'A query prefix must start with a namespace followed by ":".');
  }
  const limit = options.limit ?? STORE_LIMITS.defaultQueryLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > STORE_LIMITS.maxQueryLimit) {
    throw new StoreError('INVALID_QUERY', `A query limit must be an integer from 1 to ${STORE_LIMITS.maxQueryLimit}.`);
  }
  const order = options.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') {
    throw new StoreError('INVALID_QUERY', 'A query order must be "asc" or "desc".');
  }
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, kind, prefix, order);
  return { prefix, namespace: namespaceOf(prefix), limit, order, after };
}

interface CursorPayload {
  v: 1;
  kind: CursorKind;
  prefix: string;
  order: 'asc' | 'desc';
  at: string;
}

// Not a secret: the digest only detects corrupted or hand-edited cursors.
function digest(payload: string): string {
  return createHash('sha256').update(payload).digest('base64url').slice(0, 16);
}

export function encodeCursor(kind: CursorKind, query: Pick<PreparedQuery, 'prefix' | 'order'>, at: string): string {
  const payload: CursorPayload = { v: 1, kind, prefix: query.prefix, order: query.order, at };
  const text = JSON.stringify(payload);
  return Buffer.from(JSON.stringify([text, digest(text)]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: unknown, kind: CursorKind, prefix: string, order: 'asc' | 'desc'): string {
  const invalid = () => new StoreError('INVALID_CURSOR', 'The cursor is not valid for this query.');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid();
  }
  let payload: CursorPayload;
  try {
    const bytes = Buffer.from(cursor, 'base64url');
    // Node's decoder ignores stray trailing characters; only the canonical encoding is accepted.
    if (bytes.toString('base64url') !== cursor) throw invalid();
    const outer: unknown = JSON.parse(bytes.toString('utf8'));
    if (!Array.isArray(outer) || outer.length !== 2 || typeof outer[0] !== 'string' || outer[1] !== digest(outer[0])) {
      throw invalid();
    }
    payload = JSON.parse(outer[0]) as CursorPayload;
  } catch {
    throw invalid();
  }
  if (
    payload?.v !== 1 ||
    payload.kind !== kind ||
    payload.prefix !== prefix ||
    payload.order !== order ||
    typeof payload.at !== 'string' ||
    (kind === 'key' && !payload.at.startsWith(prefix))
  ) {
    throw invalid();
  }
  return payload.at;
}

/** Expiry instant for a TTL, in epoch ms. */
export function expiryOf(now: number, ttlSeconds: number | undefined): number | undefined {
  return ttlSeconds === undefined ? undefined : now + ttlSeconds * 1000;
}
