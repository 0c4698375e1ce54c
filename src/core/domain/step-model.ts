/**
 * The parts of a workflow step and a decision added by SPEC 2.1a (approver groups), 2.3a
 * (separation of duties) and 2.3c (electronic signatures); model.ts re-exports them.
 */
export const STEP_MODES = ['any', 'all'] as const;
export type StepMode = (typeof STEP_MODES)[number];

/** SPEC 2.1a: one approver group of a step and how many of its people must approve ("all": every eligible member). */
export interface ApproverGroup {
  key: string;
  name: string;
  /** account ids, or group ids written as "group:<groupId>" (expanded at decision time) */
  approvers: string[];
  required: number | 'all';
}

/** SPEC 2.1a: when rejections reject the step (absent = "any", the rule of SPEC 2.3). */
export type RejectPolicy = 'any' | 'unreachable' | { threshold: number };

/**
 * A step: the short form `{approvers, mode}` (SPEC 2.1) or the group form of SPEC 2.1a. Saved steps
 * carry `groups` always, and `approvers`/`mode` too when the step is one group of "any" or "all";
 * read a step's groups through stepGroups() (domain/step-composition.ts), which also reads the
 * short form of records written before 2.1a.
 */
export interface WorkflowStep {
  name?: string;
  approvers?: string[];
  mode?: StepMode;
  groups?: ApproverGroup[];
  rejectPolicy?: RejectPolicy;
  /** default true: one person fills at most one slot of the step */
  distinctAcrossGroups?: boolean;
  /** SPEC 2.3c: decisions of this step are electronically signed */
  signature?: StepSignature;
}

/** SPEC 2.3a separation of duties (absent = none of it, beyond the submitter rule). */
export interface SodSettings {
  excludeEditors: 'none' | 'last_editor' | 'since_last_approval';
  distinctAcrossSteps: boolean;
  changeSetMinDistinctApprovers: number;
}

/** One save of a workflow (who, when): lets a pending approval tell whether its submitter edited the workflow since submitting (SPEC 2.3a). */
export interface WorkflowEdit {
  by: string;
  at: number;
}

export const SIGNATURE_AUTH = ['pin', 'totp', 'pin_or_totp'] as const;
export type SignatureAuth = (typeof SIGNATURE_AUTH)[number];
export const CREDENTIAL_TYPES = ['pin', 'totp'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** SPEC 2.3c step settings: `required` makes every decision of the step (rejections too) signed. */
export interface StepSignature {
  required: boolean;
  auth: SignatureAuth;
  meanings: { code: string; label: string }[];
}

/** SPEC 2.3c: what a signed decision keeps (§11.50 manifestation, §11.70 link to the record). */
export interface DecisionSignature {
  meaning: string;
  meaningLabel: string;
  /** display name at signing; later renames do not change it */
  printedName: string;
  /** set when a delegate signed for someone: that person's display name at signing */
  onBehalfOfName?: string;
  signedAt: number;
  authMethod: CredentialType;
  /** the record signed (§11.70): a page approval's page version, or every page and version of an atomic set (SPEC 2.5a) */
  pageVersion?: number;
  pages?: { pageId: string; pageVersion: number }[];
  contentHash?: string;
}
