/**
 * Every field limit of SPEC §2, §3 and §9, written once. Plain numbers (no zod) so the Custom UI can
 * import this file without pulling zod into its bundle. test/foundation/field-limits.test.ts fails when
 * one of these values reappears as a literal anywhere else in src/ or static/src.
 */
export const FIELD_LIMITS = {
  workflowName: { min: 1, max: 120 },
  stepName: { max: 120 },
  steps: { min: 1, max: 10 },
  approvers: { min: 1, max: 50 },
  owners: { max: 50 },
  /** SPEC 2.1a: approver groups per step, their names, `required` counts and the reject threshold */
  stepGroups: { min: 1, max: 10 },
  groupName: { min: 1, max: 60 },
  groupRequired: { min: 1, max: 50 },
  rejectThreshold: { min: 1, max: 50 },
  /** SPEC 2.3a */
  changeSetMinDistinctApprovers: { min: 0, max: 10 },
  /** SPEC 2.3a: page versions whose editors separation of duties may read */
  sodVersions: { max: 500 },
  changeSetTitle: { min: 1, max: 255 },
  changeSetSummary: { max: 2000 },
  referenceUrl: { max: 2048 },
  pageRefs: { min: 1, max: 100 },
  /** decision comments; a rejection needs at least `rejectionComment.min` characters */
  comment: { max: 280 },
  rejectionComment: { min: 20 },
  /** every list answer: `limit` 1..max, `default` when absent */
  listPage: { min: 1, max: 100, default: 50 },
  /** picker search text (people, groups, pages, spaces) */
  searchQuery: { max: 100 },
  /** people.names lookups per call */
  peopleLookup: { max: 250 },
  /** Idempotency-Key header: 1..255 visible ASCII characters */
  idempotencyKey: { max: 255 },
  /** cursors as handed out (sealed); longer is never one of ours */
  cursor: { max: 2048 },
  /** app-generated ids (workflows, change sets, approvals) and Atlassian account ids */
  opaqueId: { max: 128 },
  accountId: { max: 128 },
  clientId: { max: 256 },
  /** Confluence page/space ids: decimal int64, 1..19 digits, at most INT64_MAX */
  confluenceIdDigits: { max: 19 },
  /** SPEC 2.7: days before reviewDueAt a page turns `due` (only with a review period) */
  reminderWindowDays: { min: 1, max: 90, default: 14 },
  /** SPEC 2.8: days between reminders of a pending approval */
  remindAfterDays: { min: 1, max: 30 },
  /** SPEC 2.4a: content_change_tolerant bounds */
  toleranceChangedChars: { min: 1, max: 200 },
  toleranceVersions: { min: 1, max: 10 },
  /** Confluence label names (routing rules, SPEC 2.2a) */
  label: { max: 255 },
  /** display names, space keys and similar free text carried in a workflow document (SPEC 2.1b) */
  documentText: { max: 255 },
  /** SPEC 2.10: retention windows may be lengthened, never shortened below these */
  approvalRetentionDays: { min: 180, max: 10_000 },
  auditRetentionDays: { min: 365, max: 10_000 },
  /** SPEC 2.3c: signing PIN length, meanings per step, meaning label */
  signingPin: { min: 8, max: 64 },
  signatureMeanings: { min: 1, max: 8 },
  meaningLabel: { min: 1, max: 80 },
  /** SPEC 5a: in-scope audit records one evidence pack holds */
  evidencePackRecords: { max: 2000 },
} as const;

/** SPEC 2.7: the review periods a workflow may set (or null: none). */
/** SPEC 2.4a page.diff caps: 1 MB of text per side, 2,000 hunks; the line diff gives up past this many edits. */
export const DIFF_LIMITS = { maxTextBytesPerSide: 1024 * 1024, maxHunks: 2000, maxEditDistance: 2000 } as const;

export const REVIEW_PERIOD_DAYS = [90, 180, 365] as const;

/** Largest Confluence id (int64 max), as the decimal string ids are compared against. */
export const CONFLUENCE_ID_MAX = '9223372036854775807';
