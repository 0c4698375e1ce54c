/** Delegation records in the af-delegation entity: one item per delegation, indexed by delegator, delegate and end. */
import type { Delegation } from '../../domain/delegation';
import { delegationSchema } from '../../domain/delegation';
import { DomainError } from '../../domain/errors';
import { parseStored } from '../../domain/schemas';
import { DELEGATION_ENTITY } from '../../ports/entities';
import type { EntityPage, RangeCondition, TxOp } from '../../ports/store';
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
