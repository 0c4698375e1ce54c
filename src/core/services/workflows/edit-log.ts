/**
 * The recent saves of a workflow (SPEC 2.3a): a pending approval adopts an in-flight edit only if
 * its submitter made none of the edits since submitting, so an owner cannot make themselves the
 * approver of a page they already submitted. Capped; when older saves have been dropped, the
 * approval cannot tell, so it keeps its snapshot.
 */
import type { PageApproval, Workflow, WorkflowEdit } from '../../domain/model';

export const RECENT_EDITS_KEPT = 20;

export function withEdit(edits: WorkflowEdit[] | undefined, by: string, at: number): WorkflowEdit[] {
  return [...(edits ?? []), { by, at }].slice(-RECENT_EDITS_KEPT);
}

/** May this pending approval (without decisions) take on the workflow's current definition? */
export function mayAdopt(approval: Pick<PageApproval, 'submittedBy' | 'submittedAt'>, workflow: Pick<Workflow, 'recentEdits' | 'updatedAt'>): boolean {
  if (workflow.updatedAt <= approval.submittedAt) return true;
  const edits = workflow.recentEdits ?? [];
  const oldest = edits[0];
  // no log (saved before it existed), or a full log that starts after the submission: who edited is unknown
  if (!oldest || (edits.length >= RECENT_EDITS_KEPT && oldest.at > approval.submittedAt)) return false;
  return !edits.some((e) => e.at > approval.submittedAt && e.by === approval.submittedBy);
}
