/** The workflow use cases' contract (SPEC 2.1), part of the Engine (services/engine.ts re-exports it). */
import type { Caller } from '../../domain/caller';
import type { EligibilityIssue, ReviewPeriodDays, Workflow, WorkflowStep } from '../../domain/model';
import type { ImportPreview, WorkflowDocument } from './document';

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

/**
 * SPEC 2.1. Reading needs view of the space (others: 404 as for a missing workflow / space); create,
 * duplicate, import, enable/disable, delete and assign need a space admin (site admins count);
 * editing the definition also the workflow's owners. Saves refuse unknown approvers and owners (UNKNOWN_APPROVER).
 */
export interface WorkflowService {
  list(caller: Caller, spaceId: string): Promise<Workflow[]>;
  get(caller: Caller, workflowId: string): Promise<Workflow>;
  create(caller: Caller, spaceId: string, input: WorkflowInput): Promise<SavedWorkflow>;
  update(caller: Caller, workflowId: string, patch: Partial<WorkflowInput>, expectedVersion?: number): Promise<SavedWorkflow>;
  duplicate(caller: Caller, workflowId: string, name?: string): Promise<SavedWorkflow>;
  setEnabled(caller: Caller, workflowId: string, enabled: boolean): Promise<Workflow>;
  remove(caller: Caller, workflowId: string): Promise<void>;
  importFrom(caller: Caller, sourceWorkflowId: string, targetSpaceId: string): Promise<SavedWorkflow>;
  /** Explicit page → workflow assignment (null clears it). */
  assign(caller: Caller, pageId: string, workflowId: string | null): Promise<void>;
  /** SPEC 2.1b: the workflow as a portable document (readers of the workflow). */
  exportDocument(caller: Caller, workflowId: string, site?: { cloudId?: string }): Promise<WorkflowDocument>;
  /** SPEC 2.1b: what importing the document would resolve to; writes nothing (space admins). */
  previewImport(caller: Caller, spaceId: string, document: unknown, principalMap?: Readonly<Record<string, string>>): Promise<ImportPreview>;
  /** SPEC 2.1b: a disabled copy of the document's workflow, owned by the caller (space admins). */
  importDocument(caller: Caller, spaceId: string, document: unknown, principalMap?: Readonly<Record<string, string>>): Promise<SavedWorkflow>;
}
