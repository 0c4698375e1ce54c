/** The chain's two control keys (head and retention checkpoint), read and validated together. */
import { DomainError } from '../domain/errors';
import type { KeyValueStore, StoredItem } from '../ports/store';
import { CHECKPOINT_KEY, GENESIS_HASH, HEAD_KEY } from './keys';
import { checkpointSchema, headSchema, type ChainHead, type Checkpoint } from './schema';

export interface ChainState {
  headItem?: StoredItem<unknown>;
  head?: ChainHead;
  checkpointItem?: StoredItem<unknown>;
  /** Where verification and queries start: the checkpoint after a purge, else seq 1 on genesis. */
  anchor: Checkpoint;
}

export function corrupt(what: string): DomainError {
  return new DomainError('AUDIT_STATE_INVALID', `The audit ${what} is damaged; run the audit verification.`);
}

export function parseHead(value: unknown): ChainHead {
  const parsed = headSchema.safeParse(value);
  if (!parsed.success) throw corrupt('chain head');
  return parsed.data;
}

export async function readChainState(store: KeyValueStore): Promise<ChainState> {
  const items = await store.getMany([HEAD_KEY, CHECKPOINT_KEY]);
  const headItem = items.find((i) => i.key === HEAD_KEY);
  const checkpointItem = items.find((i) => i.key === CHECKPOINT_KEY);
  let anchor: Checkpoint = { firstSeq: 1, prevHash: GENESIS_HASH };
  if (checkpointItem) {
    const parsed = checkpointSchema.safeParse(checkpointItem.value);
    if (!parsed.success) throw corrupt('retention checkpoint');
    anchor = parsed.data;
  }
  return { headItem, head: headItem ? parseHead(headItem.value) : undefined, checkpointItem, anchor };
}
