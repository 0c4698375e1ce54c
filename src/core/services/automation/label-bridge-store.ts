/** A space's Automation label bridge setting (SPEC 3a): one stored item per space, re-validated on read. */
import { labelBridgeSchema, type LabelOnState } from '../../domain/label-bridge';
import type { StoredItem } from '../../ports/store';
import type { EngineContext } from '../context';
import { getParsed } from '../store-reads';
import { keys } from '../keys';

export interface StoredLabelBridge {
  labelOnState: LabelOnState;
  /** 0 when the space never saved the setting (expectedVersion for the first save) */
  version: number;
  item?: StoredItem;
}

export async function readLabelBridge(ctx: EngineContext, spaceId: string): Promise<StoredLabelBridge> {
  const found = await getParsed(ctx.store, keys.labelBridge(spaceId), labelBridgeSchema);
  return found ? { labelOnState: found.value.labelOnState, version: found.item.version, item: found.item } : { labelOnState: {}, version: 0 };
}
