/** Validation of a whole transaction (plain and entity ops) before any store touches data. */
import type { EntityDeclaration } from '../../core/ports/entities';
import { STORE_LIMITS, StoreError } from '../../core/ports/store';
import type { Condition, TxOp } from '../../core/ports/store';
import { declarationOf, prepareEntityValue } from './entity-rules';
import { MAX_TRANSACTION_BYTES, MAX_TTL_SECONDS, assertCondition, assertKey, measureValue } from './kvs-rules';

/** `entity` set: an entity op (its declaration resolved); absent: a plain item. */
export type PreparedOp =
  | { op: 'put'; key: string; value: unknown; json: string; condition?: Condition; ttlSeconds?: number; entity?: EntityDeclaration }
  | { op: 'delete'; key: string; condition?: Condition; entity?: EntityDeclaration }
  | { op: 'check'; key: string; condition: Condition; entity?: EntityDeclaration };

function prepareOp(op: TxOp, entity: EntityDeclaration | undefined): { prepared: PreparedOp; bytes: number } {
  if (op.condition !== undefined || op.op === 'check') assertCondition(op.condition);
  // Entities carry no store version: only absent/exists conditions mean anything for them.
  if (entity && op.condition?.kind === 'version') throw new StoreError('INVALID_VALUE', 'Entity conditions are absent or exists only.');
  switch (op.op) {
    case 'put': {
      if (op.ttlSeconds !== undefined) {
        if (entity) throw new StoreError('INVALID_VALUE', 'Entity items cannot have a TTL.');
        if (!(Number.isInteger(op.ttlSeconds) && op.ttlSeconds >= 1 && op.ttlSeconds <= MAX_TTL_SECONDS)) {
          throw new StoreError('INVALID_VALUE', `ttlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}.`);
        }
      }
      const { json, envelopeBytes } = entity ? prepareEntityValue(entity, op.key, op.value) : measureValue(op.key, op.value);
      const prepared: PreparedOp = { op: 'put', key: op.key, value: op.value, json, condition: op.condition, ttlSeconds: op.ttlSeconds, entity };
      return { prepared, bytes: envelopeBytes };
    }
    case 'delete':
      return { prepared: { op: 'delete', key: op.key, condition: op.condition, entity }, bytes: 0 };
    case 'check':
      return { prepared: { op: 'check', key: op.key, condition: op.condition, entity }, bytes: 0 };
    default:
      throw new StoreError('INVALID_VALUE', 'A transaction operation must be put, delete or check.');
  }
}

export function prepareTransaction(ops: TxOp[]): PreparedOp[] {
  if (!Array.isArray(ops) || ops.length < 1 || ops.length > STORE_LIMITS.maxTransactionOps) {
    throw new StoreError(
      'TOO_MANY_OPERATIONS',
      `A transaction needs 1 to ${STORE_LIMITS.maxTransactionOps} operations (got ${Array.isArray(ops) ? ops.length : 0}).`,
    );
  }
  // Keys are unique across plain and entity ops: whether Forge scopes uniqueness per entity is not documented.
  const seen = new Set<string>();
  let payloadBytes = 0;
  const prepared = ops.map((op): PreparedOp => {
    assertKey(op?.key);
    if (seen.has(op.key)) {
      throw new StoreError('DUPLICATE_KEY_IN_TRANSACTION', `The key "${op.key}" appears more than once in a transaction.`);
    }
    seen.add(op.key);
    const result = prepareOp(op, op.entity === undefined ? undefined : declarationOf(op.entity));
    payloadBytes += result.bytes;
    return result.prepared;
  });
  if (payloadBytes > MAX_TRANSACTION_BYTES) {
    throw new StoreError('VALUE_TOO_LARGE', `The transaction writes ${payloadBytes} bytes; Forge accepts at most ${MAX_TRANSACTION_BYTES} per transaction.`);
  }
  return prepared;
}
