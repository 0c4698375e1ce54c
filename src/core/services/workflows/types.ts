/** The shapes the workflow use cases take and answer (SPEC 2.1). */
import type { EligibilityIssue, ReviewPeriodDays, Workflow, WorkflowStep } from '../../domain/model';

export interface WorkflowInput {
  name: string;
  steps: WorkflowStep[];
  owners?: string[];
  allowSelfApproval?: boolean;
  enabled?: boolean;
  reviewPeriodDays?: ReviewPeriodDays | null;
  reminderWindowDays?: number;
  remindAfterDays?: number | null;
}

/** A saved workflow and the non-blocking warnings of the save (e.g. an approver who cannot view the space). */
export type SavedWorkflow = Workflow & { warnings?: EligibilityIssue[] };
