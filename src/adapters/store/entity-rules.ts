/**
 * Forge's entity and index rules (docs/store-contract.md "Entities"), in one place, so every store
 * refuses exactly what Forge would: unknown entity or index, undeclared or wrongly typed attribute,
 * integer outside 32 bits, index attribute missing, range > 900 bytes, partition > 1,700 bytes,
 * more than 7 indexes. Local stores order index entries by the sortable encoding below.
 */
import { ENTITIES, type EntityDeclaration, type EntityIndexDeclaration } from '../../core/ports/entities';
import { STORE_LIMITS, StoreError } from '../../core/ports/store';
import type { EntityQuery, EntityScalar, RangeCondition, RangeValue } from '../../core/ports/store';
import { decodeCursor, measureValue, type CursorKind } from './kvs-rules';

export const ENTITY_LIMITS = {
  maxEntities: 20,
  maxIndexes: 7,
  maxAttributes: 50,
  minIndexNameLength: 3,
  maxIndexNameLength: 50,
  maxRangeBytes: 900,
  maxPartitionBytes: 1700,
  minInteger: -(2 ** 31),
  maxInteger: 2 ** 31 - 1,
} as const;

const ENTITY_NAME = /^(?![_.-])(?!.*\.{2})[a-z0-9:\-_.]{3,60}(?<![.])$/;
const ATTRIBUTE_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,29}$/;

const invalidEntity = (message: string) => new StoreError('INVALID_ENTITY', message);

/** Checks declarations against Forge's manifest schema limits; throws on the first violation. */
export function validateDeclarations(declarations: readonly EntityDeclaration[]): Map<string, EntityDeclaration> {
  if (declarations.length > ENTITY_LIMITS.maxEntities) throw invalidEntity(`At most ${ENTITY_LIMITS.maxEntities} entities may be declared.`);
  const byName = new Map<string, EntityDeclaration>();
  for (const decl of declarations) {
    if (!ENTITY_NAME.test(decl.name) || byName.has(decl.name)) throw invalidEntity(`Entity name "${decl.name}" is invalid or repeated.`);
    const attributes = Object.keys(decl.attributes);
    if (attributes.length > ENTITY_LIMITS.maxAttributes || attributes.some((a) => !ATTRIBUTE_NAME.test(a))) {
      throw invalidEntity(`Entity "${decl.name}" has too many attributes or an invalid attribute name.`);
    }
    if (decl.indexes.length < 1 || decl.indexes.length > ENTITY_LIMITS.maxIndexes) {
      throw invalidEntity(`Entity "${decl.name}" needs 1 to ${ENTITY_LIMITS.maxIndexes} indexes.`);
    }
    for (const index of decl.indexes) {
      const used = [...index.partition, index.range];
      const badType = used.some((a) => decl.attributes[a] === undefined || decl.attributes[a] === 'any') || decl.attributes[index.range] === 'boolean';
      const nameLength = index.name.length;
      if (nameLength < ENTITY_LIMITS.minIndexNameLength || nameLength > ENTITY_LIMITS.maxIndexNameLength || badType) {
        throw invalidEntity(`Index "${index.name}" of "${decl.name}" must be named 3..50 characters and use declared, typed attributes.`);
      }
    }
    byName.set(decl.name, decl);
  }
  return byName;
}

const DECLARED = validateDeclarations(ENTITIES);

export function declarationOf(entity: unknown): EntityDeclaration {
  const decl = typeof entity === 'string' ? DECLARED.get(entity) : undefined;
  if (!decl) throw invalidEntity(`The entity "${String(entity)}" is not declared.`);
  return decl;
}

/** The attribute every item carries (the first index's range attribute): what absent/exists conditions test on Forge. */
export function presenceAttribute(decl: EntityDeclaration): string {
  return decl.indexes[0].range;
}

function typeHolds(type: string, value: unknown): boolean {
  switch (type) {
    case 'any':
      return value !== undefined;
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value) && (value as number) >= ENTITY_LIMITS.minInteger && (value as number) <= ENTITY_LIMITS.maxInteger;
    default:
      return false;
  }
}

function scalarBytes(values: unknown[]): number {
  return values.reduce<number>((sum, v) => sum + Buffer.byteLength(String(v), 'utf8'), 0);
}

/**
 * Validates an entity value and returns its JSON and stored size. Every index attribute must be
 * present: whether Forge leaves an item lacking one out of that index is UNCONFIRMED
 * (docs/forge-platform.md), so no code may depend on it.
 */
export function prepareEntityValue(decl: EntityDeclaration, key: string, value: unknown): { json: string; envelopeBytes: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new StoreError('INVALID_VALUE', `An "${decl.name}" value must be a plain object of attributes.`);
  }
  const record = value as Record<string, unknown>;
  for (const [name, attributeValue] of Object.entries(record)) {
    if (attributeValue === undefined) continue;
    const type = decl.attributes[name];
    if (type === undefined) throw new StoreError('INVALID_VALUE', `"${name}" is not an attribute of "${decl.name}".`);
    if (!typeHolds(type, attributeValue)) throw new StoreError('INVALID_VALUE', `"${name}" of "${decl.name}" must be a ${type} (32-bit for integer).`);
  }
  for (const index of decl.indexes) {
    const missing = [...index.partition, index.range].find((a) => record[a] === undefined);
    if (missing) throw new StoreError('INVALID_VALUE', `"${missing}" is required by index "${index.name}" of "${decl.name}".`);
    if (scalarBytes([record[index.range]]) > ENTITY_LIMITS.maxRangeBytes) {
      throw new StoreError('VALUE_TOO_LARGE', `The range value of index "${index.name}" exceeds ${ENTITY_LIMITS.maxRangeBytes} bytes.`);
    }
    if (scalarBytes(index.partition.map((a) => record[a])) > ENTITY_LIMITS.maxPartitionBytes) {
      throw new StoreError('VALUE_TOO_LARGE', `The partition values of index "${index.name}" exceed ${ENTITY_LIMITS.maxPartitionBytes} bytes.`);
    }
  }
  return measureValue(key, value);
}

/**
 * Order-preserving text for a scalar (local stores compare these): strings as they are, numbers as
 * the bits of a float64 flipped so unsigned order is numeric order, booleans 0/1.
 */
export function sortable(value: EntityScalar): string {
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'boolean') return value ? 'b1' : 'b0';
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleBE(value === 0 ? 0 : value);
  if (value < 0) for (let i = 0; i < 8; i++) buffer[i] = ~buffer[i] & 0xff;
  else buffer[0] |= 0x80;
  return `n${buffer.toString('hex')}`;
}

export interface PreparedEntityQuery {
  decl: EntityDeclaration;
  index: EntityIndexDeclaration;
  partition: EntityScalar[];
  range?: RangeCondition;
  order: 'asc' | 'desc';
  limit: number;
  /** Seals a cursor to this exact query. */
  scope: string;
  after?: string;
}

function assertScalar(type: string, value: unknown, what: string): asserts value is EntityScalar {
  if (type === 'any' || !typeHolds(type, value)) throw new StoreError('INVALID_QUERY', `${what} must be a ${type}.`);
}

const RANGE_OPS = ['gt', 'gte', 'lt', 'lte', 'beginsWith'];

function checkRange(range: unknown, type: string): RangeCondition | undefined {
  if (range === undefined) return undefined;
  const r = range as { op?: unknown; value?: unknown; from?: unknown; to?: unknown };
  if (r?.op === 'between') {
    assertScalar(type, r.from, 'A range bound');
    assertScalar(type, r.to, 'A range bound');
    return { op: 'between', from: r.from as RangeValue, to: r.to as RangeValue };
  }
  if (typeof r?.op !== 'string' || !RANGE_OPS.includes(r.op)) throw new StoreError('INVALID_QUERY', 'Unknown range condition.');
  if (r.op === 'beginsWith' && type !== 'string') throw new StoreError('INVALID_QUERY', 'beginsWith needs a string range attribute.');
  assertScalar(type, r.value, 'A range value');
  return { op: r.op as 'gt', value: r.value as RangeValue };
}

export function prepareEntityQuery(query: EntityQuery, kind: CursorKind): PreparedEntityQuery {
  const decl = declarationOf(query?.entity);
  const index = decl.indexes.find((candidate) => candidate.name === query.index);
  if (!index) throw new StoreError('INVALID_QUERY', `"${decl.name}" has no index "${String(query.index)}".`);
  const partition = Array.isArray(query.partition) ? query.partition : [];
  if (partition.length !== index.partition.length) {
    throw new StoreError('INVALID_QUERY', `Index "${index.name}" needs exactly ${index.partition.length} partition value(s).`);
  }
  index.partition.forEach((attribute, i) => assertScalar(decl.attributes[attribute], partition[i], `Partition value "${attribute}"`));
  const range = checkRange(query.range, decl.attributes[index.range]);
  const limit = query.limit ?? STORE_LIMITS.defaultQueryLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > STORE_LIMITS.maxQueryLimit) {
    throw new StoreError('INVALID_QUERY', `A query limit must be an integer from 1 to ${STORE_LIMITS.maxQueryLimit}.`);
  }
  const order = query.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new StoreError('INVALID_QUERY', 'A query order must be "asc" or "desc".');
  const scope = JSON.stringify([decl.name, index.name, partition, range ?? null]);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, kind, scope, order);
  return { decl, index, partition, range, order, limit, scope, after };
}

/** Whether a range value (as sortable() text) satisfies the condition, as Forge compares natively. */
export function rangeHolds(range: RangeCondition | undefined, v: string): boolean {
  if (!range) return true;
  switch (range.op) {
    case 'between':
      return v >= sortable(range.from) && v <= sortable(range.to);
    case 'gt':
      return v > sortable(range.value);
    case 'gte':
      return v >= sortable(range.value);
    case 'lt':
      return v < sortable(range.value);
    case 'lte':
      return v <= sortable(range.value);
    case 'beginsWith':
      return v.startsWith(sortable(range.value));
  }
}

/** Sortable bounds [lo, hi) that contain every value the condition accepts (local stores seek with these). */
export function rangeBounds(range: RangeCondition | undefined): { lo: string; hi: string } {
  const top = '\uffff';
  if (!range) return { lo: '', hi: top };
  switch (range.op) {
    case 'between':
      return { lo: sortable(range.from), hi: `${sortable(range.to)}\u0000` };
    case 'gt':
    case 'gte':
      return { lo: sortable(range.value), hi: top };
    case 'lt':
    case 'lte':
      return { lo: '', hi: `${sortable(range.value)}\u0000` };
    case 'beginsWith':
      return { lo: sortable(range.value), hi: `${sortable(range.value)}${top}` };
  }
}

/** Partition values as one comparable text. */
export function partitionText(values: unknown[]): string {
  return JSON.stringify(values.map((v) => sortable(v as EntityScalar)));
}
