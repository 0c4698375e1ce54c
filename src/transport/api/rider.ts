/**
 * Ops that ride, best effort, in a transaction a request makes anyway (issue 23: the invocation's
 * diagnostics record joins its keyed answer's record instead of a write unit of its own). A rider
 * never changes what the carrying write does: if the joint transaction fails (for a condition of
 * the rider's or of the carrier's own, the store does not say which), the carrier's ops are written
 * alone, and the rider, not told it joined, writes its ops its own way.
 */
import type { KeyValueStore, TxOp } from '../../core/ports/store';

export interface Rider {
  ops: TxOp[];
  /** the joint transaction committed: the rider's ops are written */
  joined: () => void;
}

export async function transactWithRider(store: Pick<KeyValueStore, 'transact'>, ops: TxOp[], rider: Rider | undefined): Promise<void> {
  if (rider && rider.ops.length > 0) {
    try {
      await store.transact([...ops, ...rider.ops]);
      rider.joined();
      return;
    } catch {
      // the carrier's ops alone, below: what they do (or how they fail) stays as without a rider
    }
  }
  await store.transact(ops);
}
