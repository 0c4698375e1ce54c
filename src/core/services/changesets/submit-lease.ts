/**
 * The lease a change-set submit holds while its batches commit side by side (docs/storage.md
 * "Change-set submit"). Batches only `check` the change-set record, so they never conflict with
 * each other; archive instead refuses while a lease is live and `check`s the lease key, so it can
 * never commit after a batch without having seen that batch's pending pages. A submit that dies
 * leaves the lease to expire: archive is then possible again after LEASE_MS.
 */
import { z } from 'zod';
import { DomainError } from '../../domain/errors';
import { parseStored } from '../../domain/schemas';
import type { StoredItem, TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { keys } from '../keys';

/** Longer than any one invocation may run on Forge (25 s for apiRoute and resolvers), with margin. */
export const SUBMIT_LEASE_MS = 60_000;

/** Well past the lease and any invocation that could have read it. */
const LEASE_TTL_SECONDS = Math.ceil((2 * SUBMIT_LEASE_MS) / 1000);

const leaseSchema = z.strictObject({ until: z.number().int(), by: z.string() });

/** The ops that take the lease for `by`: the change set must still be the version the submit read. */
export function takeLeaseOps(ctx: EngineContext, changeSetId: string, csItem: StoredItem, lease: StoredItem | undefined, by: string): TxOp[] {
  return [
    { op: 'check', key: csItem.key, condition: { kind: 'version', version: csItem.version } },
    {
      op: 'put',
      key: keys.changeSetSubmitLease(changeSetId),
      value: { until: ctx.clock.now() + SUBMIT_LEASE_MS, by },
      condition: lease ? { kind: 'version', version: lease.version } : { kind: 'absent' },
      ttlSeconds: LEASE_TTL_SECONDS,
    },
  ];
}

/**
 * Releasing: rewrite the lease as expired (`until: 0`) rather than deleting it, so its version keeps
 * growing: an archive that read "no lease" before this submit started must fail its `check`, and a
 * deleted key would read "absent" again (ABA). The TTL removes the key long after any archive that
 * could have read it has finished. Nothing when the lease is no longer this submit's.
 */
export function releaseLeaseOps(lease: StoredItem | undefined): TxOp[] {
  if (!lease) return [];
  const { by } = parseStored(leaseSchema, lease.key, lease.value);
  return [{ op: 'put', key: lease.key, value: { until: 0, by }, condition: { kind: 'version', version: lease.version }, ttlSeconds: LEASE_TTL_SECONDS }];
}

/** For archive (and an update removing pages): refuse while a submit holds the lease; otherwise the `check` that fails if one takes it meanwhile. */
export function leaseFreeCheck(ctx: EngineContext, changeSetId: string, lease: StoredItem | undefined, doing = 'archiving'): TxOp {
  if (lease && parseStored(leaseSchema, lease.key, lease.value).until > ctx.clock.now()) {
    throw new DomainError('CHANGE_SET_HAS_PENDING', `Pages of this change set are being submitted right now; try ${doing} again in a minute.`);
  }
  const key = keys.changeSetSubmitLease(changeSetId);
  return { op: 'check', key, condition: lease ? { kind: 'version', version: lease.version } : { kind: 'absent' } };
}

/**
 * Take the lease in one transaction, conditioned on the change set still being the version the
 * submit loaded (a concurrent update or archive fails it: the caller reloads and starts over).
 * Returns the lease as stored, for the release.
 */
export async function takeLease(ctx: EngineContext, changeSetId: string, csItem: StoredItem, by: string): Promise<StoredItem> {
  const existing = await ctx.store.get(keys.changeSetSubmitLease(changeSetId));
  const ops = takeLeaseOps(ctx, changeSetId, csItem, existing, by);
  await ctx.store.transact(ops);
  const put = ops[1];
  if (put?.op !== 'put') throw new DomainError('INTERNAL_ERROR', 'The operation could not be completed.');
  // stores start versions at 1 and add 1 per put (ports/store.ts)
  return { key: put.key, value: put.value, version: (existing?.version ?? 0) + 1 };
}
