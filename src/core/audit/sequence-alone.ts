/**
 * One sequencer at a time (issue 23): the job consumer's way to run the group commit. A lease key
 * says a sequencer is running; a job that finds it held exits after two reads (a pending marker, the
 * lease), without touching the chain head (the holder links its records too: that is the group
 * commit). So a burst of commits
 * never makes sequencers race on `audit:head`. The holder keeps linking until nothing is pending,
 * releases the lease (in its last batch's transaction when it fits, else alone), then looks once
 * more: a record committed while it held the lease, whose job gave way, is linked before it leaves.
 * A holder that crashes leaves a lease that expires after LEASE_MS; meanwhile the scheduled sweep
 * (which takes no lease) keeps the chain moving.
 */
import { z } from 'zod';
import { StoreError, type StoredItem, type TxOp } from '../ports/store';
import { PENDING_PREFIX, SEQUENCER_LEASE_KEY } from './keys';
import { sequencePendingAudit, type SequenceDeps } from './sequencer';

/** Longer than any consumer run of the sequencer could hold it in practice; a crashed holder's lease lapses after it. */
export const SEQUENCER_LEASE_MS = 120_000;
/** Lease rounds per call (each round runs the bounded group commit until nothing is pending). */
const MAX_ROUNDS = 3;

const leaseSchema = z.object({ until: z.number() }).strict();

export interface SequenceAloneResult {
  /** false: another sequencer held the lease, this call linked nothing */
  ran: boolean;
  sequenced: number;
}

export async function sequenceAlone(deps: SequenceDeps): Promise<SequenceAloneResult> {
  let sequenced = 0;
  // Nothing pending (or not visible yet where the index lags: the sweep links those), no lease taken:
  // a lease costs two writes, a look one read.
  for (let round = 0; round < MAX_ROUNDS && (await anyPending(deps)); round++) {
    const lease = await acquire(deps);
    if (!lease) return { ran: round > 0, sequenced };
    const before = sequenced;
    let released = false;
    try {
      for (;;) {
        // the lease's delete rides in the batch that links the last record (no transaction of its own)
        const result = await sequencePendingAudit(deps, { release: releaseOp(lease) });
        sequenced += result.sequenced;
        released = result.released === true;
        // released, nothing left, or another invocation (the sweep, an admin read) moved the head: it links the rest
        if (released || result.remaining === 0 || result.sequenced === 0) break;
      }
    } finally {
      if (!released) await release(deps, lease);
    }
    // a round that linked nothing (a damaged marker stays listed, or the sweep won the head) ends the call
    if (sequenced === before) break;
  }
  return { ran: true, sequenced };
}

async function anyPending(deps: SequenceDeps): Promise<boolean> {
  return (await deps.store.query({ prefix: PENDING_PREFIX, limit: 1 })).items.length > 0;
}

/** The lease as written (its version), or undefined when another sequencer holds it. */
async function acquire(deps: SequenceDeps): Promise<{ version: number } | undefined> {
  const current: StoredItem | undefined = await deps.store.get(SEQUENCER_LEASE_KEY);
  const held = current && leaseSchema.safeParse(current.value);
  const now = deps.clock.now();
  if (held?.success && held.data.until > now) return undefined;
  try {
    await deps.store.transact([
      {
        op: 'put',
        key: SEQUENCER_LEASE_KEY,
        value: { until: now + SEQUENCER_LEASE_MS },
        condition: current ? { kind: 'version', version: current.version } : { kind: 'absent' },
        ttlSeconds: (2 * SEQUENCER_LEASE_MS) / 1000,
      },
    ]);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'CONDITION_FAILED') return undefined;
    throw error;
  }
  return { version: current ? current.version + 1 : 1 };
}

/** Only our own lease: if it lapsed and another took it, theirs stays (and a batch carrying this op fails as if the head had moved). */
const releaseOp = (lease: { version: number }): TxOp => ({ op: 'delete', key: SEQUENCER_LEASE_KEY, condition: { kind: 'version', version: lease.version } });

async function release(deps: SequenceDeps, lease: { version: number }): Promise<void> {
  try {
    await deps.store.transact([releaseOp(lease)]);
  } catch (error) {
    if (!(error instanceof StoreError && error.code === 'CONDITION_FAILED')) throw error;
  }
}
