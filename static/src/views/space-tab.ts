/** What the space page hands each of its tabs (its own module, so the tabs need not import SpaceApp back). */
import type { SpaceCapabilities } from '../../../src/core/services/types';

export interface SpaceTabProps {
  caps: SpaceCapabilities;
  /** ask the server again (e.g. after a new workflow: what may be done with it) */
  refreshCaps: () => void;
}
