/** Delegation records in the af-delegation entity: one item per delegation, indexed by delegator, delegate and end. */
import type { Delegation } from '../../domain/delegation';
import { delegationSchema } from '../../domain/delegation';
import { DomainError } from '../../domain/errors';
import { parseStored } from '../../domain/schemas';
import { DELEGATION_ENTITY } from '../../ports/entities';
import { STORE_LIMITS, type EntityPage, type RangeCondition, type TxOp } from '../../ports/store';
import type { EngineContext } from '../context';

const pad = (n: number): string => String(n).padStart(15, '0');
const endKey = (d: Pick<Delegation, 'endsAt' | 'id'>): string => `${pad(Date.parse(d.endsAt))}:${d.id}`;

export function delegationPut(d: Delegation, isNew: boolean): TxOp {
  return {
    op: 'put',
    entity: DELEGATION_ENTITY,
    key: d.id,
    value: { ends: endKey(d), delegator: d.delegatorAccountId, delegate: d.delegateAccountId, rec: d },
    ...(isNew ? { condition: { kind: 'absent' as const } } : { condition: { kind: 'exists' as const } }),
  };
}

export const delegationNotFound = (): DomainError => new DomainError('DELEGATION_NOT_FOUND', 'Delegation not found.');

const parse = (page: EntityPage): Delegation[] => page.items.map((i) => parseStored(delegationSchema, `delegation:${i.key}`, i.value.rec));

export async function loadDelegation(ctx: EngineContext, id: string): Promise<Delegation | undefined> {
  const [item] = await ctx.store.getEntities(DELEGATION_ENTITY, [id]);
  return item ? parseStored(delegationSchema, `delegation:${id}`, item.value.rec) : undefined;
}

/**
 * The listed delegations as stored now (strong reads by key, 25 a call), in the order given; deleted
 * ones dropped. An index query may still answer a delegation revoked a moment ago as it was before
 * (docs/forge-platform.md U22): whatever grants or refuses a right reads it again here first.
 */
export async function currentDelegations(ctx: EngineContext, listed: readonly Delegation[]): Promise<Delegation[]> {
  const found = new Map<string, Delegation>();
  for (let i = 0; i < listed.length; i += STORE_LIMITS.maxBatchGet) {
    const ids = listed.slice(i, i + STORE_LIMITS.maxBatchGet).map((d) => d.id);
    for (const item of await ctx.store.getEntities(DELEGATION_ENTITY, ids)) found.set(item.key, parseStored(delegationSchema, `delegation:${item.key}`, item.value.rec));
  }
  return listed.flatMap((d) => found.get(d.id) ?? []);
}

/** Ends after `now` (range order = end order). */
const notEnded = (now: number): RangeCondition => ({ op: 'gt', value: pad(now) });

export type DelegationRole = 'delegator' | 'delegate';

/** A person's delegations (given or received) that have not ended, soonest end first; one page. */
export async function liveDelegationsOf(ctx: EngineContext, role: DelegationRole, accountId: string, now: number, page: { cursor?: string; limit?: number } = {}): Promise<{ items: Delegation[]; nextCursor?: string }> {
  const result = await ctx.store.queryEntity({
    entity: DELEGATION_ENTITY,
    index: role === 'delegator' ? 'by-delegator' : 'by-delegate',
    partition: [accountId],
    range: notEnded(now),
    limit: page.limit ?? 100,
    ...(page.cursor ? { cursor: page.cursor } : {}),
  });
  return { items: parse(result), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
}

/** Every delegation that has not ended, soonest end first; one page (admin views, the daily job). */
export async function liveDelegations(ctx: EngineContext, now: number, page: { cursor?: string; limit?: number } = {}): Promise<{ items: Delegation[]; nextCursor?: string }> {
  const result = await ctx.store.queryEntity({ entity: DELEGATION_ENTITY, index: 'by-end', partition: [], range: notEnded(now), limit: page.limit ?? 100, ...(page.cursor ? { cursor: page.cursor } : {}) });
  return { items: parse(result), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
}
