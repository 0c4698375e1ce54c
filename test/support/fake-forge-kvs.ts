/**
 * In-memory fake of the Forge KVS HTTP API, installed as `global.__forge_fetch__` so the REAL
 * @forge/kvs 1.6.5 client code runs unchanged against it. It implements only what ForgeKvsStore
 * uses: entity get, batch get, entity index query, transaction. Request and response shapes follow
 * @forge/kvs out/storage-api.js and out/interfaces/kvs-api.d.ts. Entity declarations (attributes,
 * indexes) are read from manifest.yml, and writes are checked against them.
 *
 * Guessed (not confirmed against the live service), see docs/store-contract.md:
 *  - a failed transaction condition answers 409 {code: 'CONDITION_FAILED'} (`conditionFailure` changes it);
 *  - a query page that is full always carries a cursor (the next page may be empty);
 *  - conditions on a missing item: NOT_EXISTS holds, EXISTS / EQUAL_TO fail;
 *  - unknown paths, bad cursors and invalid requests answer 400 with a Forge-style {code, message}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface EntityDecl {
  name: string;
  attributes: Record<string, { type: 'string' | 'integer' | 'float' | 'boolean' | 'any' }>;
  indexes: Array<{ name: string; partition?: string[]; range: string[] }>;
}

interface StoredEntity {
  json: string;
  expiresAt?: number;
}

interface Clause {
  property: string;
  condition: string;
  values: unknown[];
}

type Conditions = { and?: Clause[]; or?: Clause[] };

export interface RecordedRequest {
  path: string;
  body: unknown;
}

export interface FakeForgeKvs {
  /** entityName → key → stored entity value */
  readonly data: Map<string, Map<string, StoredEntity>>;
  readonly requests: RecordedRequest[];
  /** When true, expired items stay readable (with their past expireTime), as Forge allows for up to 48 h. */
  lingerExpired: boolean;
  /** What a failed transaction condition answers (default 409 CONDITION_FAILED; the real code is UNCONFIRMED). */
  conditionFailure: { status: number; code: string };
  /** When true, batch get ignores per-item options (no expireTime), as the typed API suggests it may. */
  batchGetIgnoresOptions: boolean;
  /** Answers the next request(s) with this Forge error instead of serving them. */
  failNext(error: { status: number; code: string; message?: string }, times?: number): void;
  /** Runs before a request is served (e.g. to simulate a concurrent writer). */
  beforeServe?: (path: string, body: unknown) => void;
  /** Writes an entity directly, as another process would. */
  put(entityName: string, key: string, value: unknown, expiresAt?: number): void;
  uninstall(): void;
}

/** Documented Forge limit: 240 KiB per stored value. */
const MAX_VALUE_BYTES = 240 * 1024;
const TTL_UNIT_MS = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

class ForgeApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function installFakeForgeKvs(options: { now?: () => number; manifestPath?: string } = {}): FakeForgeKvs {
  const now = options.now ?? (() => Date.now());
  const manifest = parse(readFileSync(options.manifestPath ?? join(__dirname, '../../manifest.yml'), 'utf8')) as {
    app: { storage: { entities: EntityDecl[] } };
  };
  const entities = new Map(manifest.app.storage.entities.map((entity) => [entity.name, entity]));
  const queuedFailures: Array<{ status: number; code: string; message?: string }> = [];
  const g = globalThis as Record<string, unknown>;
  const previousFetch = g.__forge_fetch__;

  const fake: FakeForgeKvs = {
    data: new Map(),
    requests: [],
    lingerExpired: false,
    conditionFailure: { status: 409, code: 'CONDITION_FAILED' },
    batchGetIgnoresOptions: false,
    failNext(error, times = 1) {
      for (let i = 0; i < times; i += 1) queuedFailures.push(error);
    },
    put(entityName, key, value, expiresAt) {
      table(entityName).set(key, { json: JSON.stringify(value), expiresAt });
    },
    uninstall() {
      g.__forge_fetch__ = previousFetch;
    },
  };

  function table(entityName: string): Map<string, StoredEntity> {
    let rows = fake.data.get(entityName);
    if (!rows) fake.data.set(entityName, (rows = new Map()));
    return rows;
  }

  function declared(entityName: unknown): EntityDecl {
    const entity = typeof entityName === 'string' ? entities.get(entityName) : undefined;
    if (!entity) throw new ForgeApiFailure(400, 'INVALID_ENTITY_TYPE', `Entity ${String(entityName)} is not declared.`);
    return entity;
  }

  function isExpired(row: StoredEntity): boolean {
    return row.expiresAt !== undefined && row.expiresAt <= now();
  }

  /** The stored row as Forge would see it; expired rows vanish unless lingering is switched on. */
  function read(entityName: string, key: string): StoredEntity | undefined {
    const row = table(entityName).get(key);
    if (row && isExpired(row) && !fake.lingerExpired) {
      table(entityName).delete(key);
      return undefined;
    }
    return row;
  }

  function withMetadata(key: string, row: StoredEntity, requested: unknown): Record<string, unknown> {
    const wantsExpiry = Array.isArray(requested) && requested.includes('EXPIRE_TIME');
    return {
      key,
      value: JSON.parse(row.json),
      ...(wantsExpiry && row.expiresAt !== undefined ? { expireTime: new Date(row.expiresAt).toISOString() } : {}),
    };
  }

  function checkEntityValue(entity: EntityDecl, value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ForgeApiFailure(400, 'INVALID_ENTITY_VALUE', 'Entity values must be objects.');
    }
    if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_VALUE_BYTES) {
      throw new ForgeApiFailure(400, 'MAX_SIZE', 'The provided value has exceeded the maximum size limit.');
    }
    for (const [name, attributeValue] of Object.entries(value)) {
      const attribute = entity.attributes[name];
      if (!attribute) throw new ForgeApiFailure(400, 'INVALID_ENTITY_VALUE', `Attribute ${name} is not declared.`);
      const ok =
        attribute.type === 'any' ||
        (attribute.type === 'string' && typeof attributeValue === 'string') ||
        (attribute.type === 'integer' && Number.isInteger(attributeValue) && Math.abs(attributeValue as number) < 2 ** 31) ||
        (attribute.type === 'float' && typeof attributeValue === 'number') ||
        (attribute.type === 'boolean' && typeof attributeValue === 'boolean');
      if (!ok) throw new ForgeApiFailure(400, 'INVALID_ENTITY_VALUE', `Attribute ${name} must be ${attribute.type}.`);
    }
  }

  function clauseHolds(clause: Clause, item: Record<string, unknown> | undefined): boolean {
    const actual = item?.[clause.property];
    switch (clause.condition) {
      case 'EXISTS':
        return actual !== undefined;
      case 'NOT_EXISTS':
        return actual === undefined;
      case 'EQUAL_TO':
        return actual !== undefined && actual === clause.values[0];
      case 'NOT_EQUAL_TO':
        return actual !== undefined && actual !== clause.values[0];
      default:
        throw new ForgeApiFailure(400, 'UNSUPPORTED_CONDITION', `The fake does not implement ${clause.condition}.`);
    }
  }

  function conditionsHold(conditions: Conditions | undefined, item: Record<string, unknown> | undefined): boolean {
    if (!conditions) return true;
    if (conditions.and) return conditions.and.every((clause) => clauseHolds(clause, item));
    if (conditions.or) return conditions.or.some((clause) => clauseHolds(clause, item));
    throw new ForgeApiFailure(400, 'BAD_REQUEST', 'Conditions need "and" or "or".');
  }

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    '/api/v1/entity/get'(body) {
      declared(body.entityName);
      const row = read(body.entityName as string, body.key as string);
      if (!row) throw new ForgeApiFailure(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
      return withMetadata(body.key as string, row, (body.options as { metadataFields?: unknown })?.metadataFields);
    },

    '/api/v1/batch/get'(body) {
      const items = body as unknown as Array<{ key: string; entityName?: string; options?: { metadataFields?: unknown } }>;
      if (!Array.isArray(items) || items.length === 0 || items.length > 25) {
        throw new ForgeApiFailure(400, 'BAD_REQUEST', 'A batch holds 1 to 25 items.');
      }
      const successfulKeys: unknown[] = [];
      const failedKeys: unknown[] = [];
      for (const item of items) {
        declared(item.entityName);
        const row = read(item.entityName as string, item.key);
        const metadata = fake.batchGetIgnoresOptions ? undefined : item.options?.metadataFields;
        if (row) successfulKeys.push({ ...withMetadata(item.key, row, metadata), entityName: item.entityName });
        else failedKeys.push({ key: item.key, entityName: item.entityName, error: { code: 'KEY_NOT_FOUND', message: 'Key does not exist' } });
      }
      return { successfulKeys, failedKeys };
    },

    '/api/v1/entity/query'(body) {
      const entity = declared(body.entityName);
      const index = entity.indexes.find((candidate) => candidate.name === body.indexName);
      if (!index) throw new ForgeApiFailure(400, 'INVALID_ENTITY_INDEX', `Index ${String(body.indexName)} does not exist.`);
      const partition = (body.partition as unknown[] | undefined) ?? [];
      if (partition.length !== (index.partition ?? []).length) {
        throw new ForgeApiFailure(400, 'BAD_REQUEST', 'A value is required for every partition attribute.');
      }
      const limit = (body.limit as number | undefined) ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        throw new ForgeApiFailure(400, 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE', 'The page limit must be set between 1 and 100.');
      }
      const range = body.range as { condition: string; values: unknown[] } | undefined;
      if (range && !RANGE_CONDITIONS[range.condition]) {
        throw new ForgeApiFailure(400, 'UNSUPPORTED_CONDITION', `The fake does not implement range ${range.condition}.`);
      }
      const rangeAttribute = index.range[0];
      const sort = body.sort === 'DESC' ? 'DESC' : 'ASC';
      // Range values compare natively (numbers as numbers), ties by key.
      const rows = [...table(entity.name).keys()]
        .flatMap((key) => {
          const row = read(entity.name, key);
          if (!row) return [];
          const value = JSON.parse(row.json) as Record<string, unknown>;
          const inPartition = (index.partition ?? []).every((attribute, i) => value[attribute] === partition[i]);
          const rangeValue = value[rangeAttribute] as string | number;
          if (rangeValue === undefined) return []; // UNCONFIRMED: an item lacking the range attribute is left out
          const inRange = !range || RANGE_CONDITIONS[range.condition](rangeValue, range.values as Array<string | number>);
          return inPartition && inRange ? [{ key, row, at: [rangeValue, key] as Position }] : [];
        })
        .sort((a, b) => comparePositions(a.at, b.at));
      if (sort === 'DESC') rows.reverse();
      let start = 0;
      if (body.cursor !== undefined) {
        const after = decodeFakeCursor(body.cursor, { index: index.name, partition, sort });
        start = rows.findIndex((row) => (sort === 'ASC' ? comparePositions(row.at, after) > 0 : comparePositions(row.at, after) < 0));
        if (start === -1) start = rows.length;
      }
      const page = rows.slice(start, start + limit);
      const requested = (body.options as { metadataFields?: unknown } | undefined)?.metadataFields;
      return {
        data: page.map(({ key, row }) => withMetadata(key, row, requested)),
        ...(page.length === limit ? { cursor: encodeFakeCursor({ index: index.name, partition, sort, after: page[page.length - 1].at }) } : {}),
      };
    },

    '/api/v1/transaction'(body) {
      type SetOp = { key: string; value: unknown; entityName?: string; conditions?: Conditions; options?: { ttl?: { value: number; unit: keyof typeof TTL_UNIT_MS } } };
      type KeyOp = { key: string; entityName?: string; conditions?: Conditions };
      const sets = (body.set as SetOp[] | undefined) ?? [];
      const deletes = (body.delete as KeyOp[] | undefined) ?? [];
      const checks = (body.check as KeyOp[] | undefined) ?? [];
      const all: KeyOp[] = [...sets, ...deletes, ...checks];
      if (all.length === 0 || all.length > 25) throw new ForgeApiFailure(400, 'BAD_REQUEST', 'A transaction holds 1 to 25 operations.');
      if (new Set(all.map((op) => `${op.entityName ?? ''}/${op.key}`)).size !== all.length) {
        throw new ForgeApiFailure(400, 'BAD_REQUEST', 'Each key can only be used once in a transaction.');
      }
      for (const op of all) {
        if (!op.entityName) throw new ForgeApiFailure(400, 'BAD_REQUEST', 'The fake only serves entity operations.');
        declared(op.entityName);
      }
      for (const set of sets) checkEntityValue(declared(set.entityName), set.value);
      for (const op of all) {
        const row = read(op.entityName as string, op.key);
        const item = row && (JSON.parse(row.json) as Record<string, unknown>);
        if (!conditionsHold(op.conditions, item)) {
          throw new ForgeApiFailure(fake.conditionFailure.status, fake.conditionFailure.code, 'Transaction conditions were not met.');
        }
      }
      for (const set of sets) {
        const ttl = set.options?.ttl;
        const expiresAt = ttl ? now() + ttl.value * TTL_UNIT_MS[ttl.unit] : undefined;
        table(set.entityName as string).set(set.key, { json: JSON.stringify(set.value), expiresAt });
      }
      for (const op of deletes) table(op.entityName as string).delete(op.key);
      return undefined;
    },
  };

  g.__forge_fetch__ = async (_descriptor: unknown, path: string, init: { body?: string }) => {
    const body = init?.body ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    fake.requests.push({ path, body });
    const queued = queuedFailures.shift();
    if (queued) return jsonResponse(queued.status, { code: queued.code, message: queued.message ?? queued.code });
    try {
      fake.beforeServe?.(path, body);
      const handler = handlers[path];
      if (!handler) throw new ForgeApiFailure(404, 'NOT_FOUND', `The fake does not serve ${path}.`);
      const result = handler(body);
      return result === undefined ? new Response(null, { status: 200 }) : jsonResponse(200, result);
    } catch (error) {
      if (error instanceof ForgeApiFailure) return jsonResponse(error.status, { code: error.code, message: error.message });
      throw error;
    }
  };
  return fake;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

type Position = [string | number, string];

function compareValues(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePositions(a: Position, b: Position): number {
  return compareValues(a[0], b[0]) || compareValues(a[1], b[1]);
}

/** Forge's range conditions (WhereConditions), compared natively. */
const RANGE_CONDITIONS: Record<string, (v: string | number, values: Array<string | number>) => boolean> = {
  BETWEEN: (v, [from, to]) => compareValues(v, from) >= 0 && compareValues(v, to) <= 0,
  GREATER_THAN: (v, [x]) => compareValues(v, x) > 0,
  GREATER_THAN_EQUAL_TO: (v, [x]) => compareValues(v, x) >= 0,
  LESS_THAN: (v, [x]) => compareValues(v, x) < 0,
  LESS_THAN_EQUAL_TO: (v, [x]) => compareValues(v, x) <= 0,
  BEGINS_WITH: (v, [x]) => typeof v === 'string' && v.startsWith(String(x)),
};

interface FakeCursor {
  index: string;
  partition: unknown[];
  sort: string;
  after: Position;
}

function encodeFakeCursor(cursor: FakeCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64');
}

function decodeFakeCursor(raw: unknown, expected: Omit<FakeCursor, 'after'>): Position {
  try {
    const cursor = JSON.parse(Buffer.from(String(raw), 'base64').toString('utf8')) as FakeCursor;
    if (
      cursor.index === expected.index &&
      cursor.sort === expected.sort &&
      JSON.stringify(cursor.partition) === JSON.stringify(expected.partition) &&
      Array.isArray(cursor.after) &&
      cursor.after.length === 2
    ) {
      return cursor.after;
    }
  } catch {
    // fall through to the Forge-style error below
  }
  throw new ForgeApiFailure(400, 'INVALID_CURSOR', 'The cursor is invalid for this query.');
}
