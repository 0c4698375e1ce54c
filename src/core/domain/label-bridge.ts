/**
 * The Automation label bridge (SPEC 3a): a space maps approval states to Confluence labels, and the
 * app keeps exactly the label of a page's current state on the page, so a customer's own Confluence
 * Automation rule can react to it. Pure: the setting, a page's label state, and the label change.
 */
import { z } from 'zod';
import { confluenceId, labelName } from './fields';
import type { PageApprovalState } from './model';

export const LABEL_STATES = ['approved', 'rejected', 'stale'] as const;
export type LabelState = (typeof LABEL_STATES)[number];

/** Each state's label, absent = no label for it; two states never share a label (one would remove the other's). */
export const labelOnStateSchema = z
  .strictObject({ approved: labelName.optional(), rejected: labelName.optional(), stale: labelName.optional() })
  .superRefine((map, issue) => {
    const seen = new Map<string, LabelState>();
    for (const state of LABEL_STATES) {
      const label = map[state];
      if (label === undefined) continue;
      const earlier = seen.get(label);
      if (earlier) issue.addIssue({ code: 'custom', path: [state], message: `must differ from the ${earlier} label` });
      seen.set(label, state);
    }
  });
export type LabelOnState = z.infer<typeof labelOnStateSchema>;

/** `label-bridge:<spaceId>`: the space's mapping; no item (or an empty mapping) = the bridge is off. */
export const labelBridgeSchema = z.strictObject({ spaceId: confluenceId, labelOnState: labelOnStateSchema });
export type LabelBridge = z.infer<typeof labelBridgeSchema>;

export function bridgeIsOn(labelOnState: LabelOnState): boolean {
  return LABEL_STATES.some((s) => labelOnState[s] !== undefined);
}

/** The page's state as `/pages/status` reports it, reduced to the bridge's states (in review, draft: none). */
export function labelStateOf(state: PageApprovalState, isStale: boolean): LabelState | undefined {
  if (state === 'approved') return isStale ? 'stale' : 'approved';
  if (state === 'changes_requested') return 'rejected';
  return undefined;
}

/**
 * What to add and remove so the page carries the mapped label of `state` and no other mapped label;
 * labels the bridge does not map are never in either list, and a page already right yields nothing.
 */
export function labelChange(labelOnState: LabelOnState, state: LabelState | undefined, current: ReadonlySet<string>): { add: string[]; remove: string[] } {
  const wanted = state ? labelOnState[state] : undefined;
  const add = wanted !== undefined && !current.has(wanted) ? [wanted] : [];
  const remove = LABEL_STATES.map((s) => labelOnState[s]).filter((l): l is string => l !== undefined && l !== wanted && current.has(l));
  return { add, remove };
}
