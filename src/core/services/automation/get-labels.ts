/** `automation.labels.get` (SPEC 3a): a space's Automation label bridge, with the version a save must name and whether the caller may change it. */
import type { Caller } from '../../domain/caller';
import type { LabelOnState } from '../../domain/label-bridge';
import type { EngineContext } from '../context';
import { requireViewableSpace, spaceAccessFor } from '../routing/access';
import { readLabelBridge } from './label-bridge-store';
import { defineOperation } from '../operation';

export interface LabelBridgeView {
  spaceId: string;
  /** each state's label; no key = no label for that state, none at all = the bridge is off */
  labelOnState: LabelOnState;
  version: number;
  /** the caller is a space admin (or site admin) and may save */
  canEdit: boolean;
}

export const getLabelBridge = defineOperation({
  rights: 'Viewers of the space; a space the caller cannot view answers SPACE_NOT_FOUND (404, audited).',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string): Promise<LabelBridgeView> {
    const access = spaceAccessFor(ctx, caller);
    await requireViewableSpace(ctx, caller, access, spaceId, 'automation.labels.get');
    const [{ labelOnState, version }, canEdit] = await Promise.all([readLabelBridge(ctx, spaceId), access.isAdmin(spaceId)]);
    return { spaceId, labelOnState, version, canEdit };
  },
});
