/**
 * Declared entities (src/core/ports/entities.ts) on Forge KVS: batch reads, index queries, and the
 * transaction ops ForgeKvsStore adds for entity TxOps. Values are stored as they are (no envelope):
 * they carry no store version, so conditions are absent/exists on the entity's presence attribute.
 */
import { Filter, FilterConditions, Sort, WhereConditions, kvs } from '@forge/kvs';
import type { EntityDeclaration } from '../../core/ports/entities';
import { StoreError } from '../../core/ports/store';
import type { Condition, EntityItem, EntityPage, EntityQuery, RangeCondition } from '../../core/ports/store';
import { declarationOf, prepareEntityQuery, presenceAttribute } from '../store/entity-rules';
import { encodeCursor, prepareGetManyKeys } from '../store/kvs-rules';

type Value = Record<string, unknown>;

/** Re-validated on read: storage is an external input. */
function asValue(key: string, value: unknown): Value {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StoreError('UNAVAILABLE', `The stored entity "${key}" is not in the expected shape.`);
  }
  return value as Value;
}

/** Which of these keys exist (one batchGet); failures other than not-found are UNAVAILABLE. */
export async function readEntities(entity: string, keys: string[]): Promise<EntityItem<Value>[]> {
  if (keys.length === 0) return [];
  const result = await kvs.batchGet<Value>(keys.map((key) => ({ key, entityName: entity })));
  const failed = (result.failedKeys ?? []).filter((failure) => failure.error?.code !== 'KEY_NOT_FOUND');
  if (failed.length > 0) throw new StoreError('UNAVAILABLE', `Forge storage could not read ${failed.length} entity item(s) (${failed[0].error?.code}).`);
  return (result.successfulKeys ?? []).filter((s) => keys.includes(s.key)).map((s) => ({ key: s.key, value: asValue(s.key, s.value) }));
}

export async function getEntities<T>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
  const decl = declarationOf(entity);
  return (await readEntities(decl.name, prepareGetManyKeys(keys))) as EntityItem<T>[];
}

function where(range: RangeCondition) {
  switch (range.op) {
    case 'between':
      return WhereConditions.between(range.from, range.to);
    case 'gt':
      return WhereConditions.greaterThan(range.value);
    case 'gte':
      return WhereConditions.greaterThanEqualTo(range.value);
    case 'lt':
      return WhereConditions.lessThan(range.value);
    case 'lte':
      return WhereConditions.lessThanEqualTo(range.value);
    case 'beginsWith':
      return WhereConditions.beginsWith(range.value);
  }
}

export async function queryEntity<T>(query: EntityQuery): Promise<EntityPage<T>> {
  const q = prepareEntityQuery(query, 'forge');
  const builder = kvs
    .entity<Value>(q.decl.name)
    .query()
    .index(q.index.name, q.partition.length > 0 ? { partition: q.partition } : undefined);
  if (q.range) builder.where(where(q.range));
  builder.sort(q.order === 'asc' ? Sort.ASC : Sort.DESC).limit(q.limit);
  if (q.after !== undefined) builder.cursor(q.after);
  const page = await builder.getMany();
  const items = page.results.map((r) => ({ key: r.key, value: asValue(r.key, r.value) as T }));
  return page.nextCursor ? { items, nextCursor: encodeCursor('forge', { prefix: q.scope, order: q.order }, page.nextCursor) } : { items };
}

/** The Forge condition for an entity op's absent/exists condition. */
export function entityCondition(decl: EntityDeclaration, condition: Condition | undefined) {
  if (!condition) return undefined;
  const attribute = presenceAttribute(decl);
  return condition.kind === 'absent'
    ? new Filter<Value>().and(attribute, FilterConditions.notExists())
    : new Filter<Value>().and(attribute, FilterConditions.exists());
}
