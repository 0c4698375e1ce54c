/**
 * A workflow's definition: every field except its identity, placement, ownership, switch and
 * bookkeeping. Duplicate, the copy from another space and portable documents (SPEC 2.1b) carry it
 * whole, so a setting added to Workflow later (staleness, SoD, signature…) travels without edits here.
 */
import type { Workflow } from '../../domain/model';

/** Never copied: who owns it, whether it is on, where it lives, and its history. Assignments and approvals live elsewhere. */
export const NOT_COPIED = ['id', 'spaceId', 'owners', 'enabled', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version', 'recentEdits'] as const;

export type WorkflowDefinition = Omit<Workflow, (typeof NOT_COPIED)[number]>;

export function definitionOf(workflow: Workflow): WorkflowDefinition {
  const copy = JSON.parse(JSON.stringify(workflow)) as Record<string, unknown>;
  for (const field of NOT_COPIED) delete copy[field];
  return copy as WorkflowDefinition;
}
