/**
 * The ONE registry of stable error codes (clients match on `code`; `message` is a human sentence safe
 * to show): each code's HTTP status is stated here and nowhere else. DomainError carries a typed code,
 * so an unregistered code does not compile. Transports turn any error into its public form with
 * toPublicError (src/transport/public-error.ts); test/api/error-registry.test.ts keeps the registry
 * and docs/api.md in step.
 */
import { FIELD_LIMITS as L } from './limits';

export interface ErrorDetail {
  field?: string;
  code?: string;
  reason: string;
}

/** One detail per schema issue (a zod `issues` list): the field's path and why it failed. */
export function issueDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ErrorDetail[] {
  return issues.map((i) => ({ field: i.path.map(String).join('.'), reason: i.message }));
}

interface CodeInfo {
  status: number;
  /** when a client sees it (docs/api.md repeats this) */
  when: string;
  /** internal codes are logged, never shown: the client sees INTERNAL_ERROR */
  internal?: true;
  /** the status when the code is a single page's eligibility failure on submit (EligibilityError), where it differs */
  eligibilityStatus?: number;
}

const ELIGIBILITY = 'page submit: the page is not eligible (SPEC 2.6); in preflight and change-set results it is a per-page `code`';

/** Every code any part of the app answers, with its HTTP status. */
export const ERROR_CODES = {
  // 400
  INVALID_REQUEST: { status: 400, when: 'input fails a field rule (shape, length, id format, text hygiene, unknown or identity field); `details` name each field' },
  INVALID_JSON: { status: 400, when: 'the REST body is empty or not JSON' },
  INVALID_CURSOR: { status: 400, when: 'a cursor was forged, altered, expired, or issued for another query or caller' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, when: `Idempotency-Key is not one value of 1..${L.idempotencyKey.max} visible ASCII characters` },
  PAGE_ID_REQUIRED: { status: 400, when: 'resolver: no page in the payload nor in the extension context' },
  SPACE_ID_REQUIRED: { status: 400, when: 'resolver: no space in the payload nor in the extension context' },
  COMMENT_REQUIRED: { status: 400, when: `a rejection without a comment of at least ${L.rejectionComment.min} characters` },
  COMMENT_TOO_LONG: { status: 400, when: `a decision comment over ${L.comment.max} characters` },
  IMPORT_SCHEMA_INVALID: { status: 400, when: 'a workflow document does not match approvalflow.workflow/v1 (`details` hold JSON pointers)' },
  IMPORT_CHECKSUM_MISMATCH: { status: 400, when: 'a workflow document was changed after export (its sha256 does not match)' },
  UNKNOWN_APPROVER: { status: 400, when: 'a workflow names an approver or owner that does not exist (`details` list them)' },
  INVALID_ID: { status: 400, when: 'an id is not in the expected format' },
  INVALID_ACCOUNT_ID: { status: 400, when: 'an account id is not in the expected format' },
  INVALID_FILTER: { status: 400, when: 'an audit filter that cannot be applied (e.g. `from` after `to`)' },
  INVALID_LIMIT: { status: 400, when: `a page size outside ${L.listPage.min}..${L.listPage.max}` },
  TOO_MANY_IDS: { status: 400, when: `people.names with more than ${L.peopleLookup.max} ids` },
  INVALID_RETENTION: { status: 400, when: 'a retention window shorter than the minimum (SPEC 2.10)' },
  RETENTION_TOO_SHORT: { status: 400, when: `a retention window below the minimum (${L.approvalRetentionDays.min} days for approvals, ${L.auditRetentionDays.min} for audit records)` },
  QUORUM_UNREACHABLE: { status: 400, when: 'a step whose named users cannot reach a group\'s `required` count (or that `distinctAcrossGroups` makes impossible); `details` name the field (SPEC 2.1a)' },
  GROUP_TOO_LARGE_FOR_ALL: { status: 400, when: 'a group with `required: "all"` names a Confluence group of more than 50 members (SPEC 2.1a)' },
  DELEGATION_INVALID_WINDOW: { status: 400, when: 'a delegation whose `endsAt` is not after `startsAt`, is more than 90 days after it, or starts more than a day in the past (SPEC 2.3b)' },
  POLICY_NOT_ALLOWED: { status: 400, when: 'stalenessPolicy content_change_tolerant on a workflow with signatures or a review period (SPEC 2.4a)' },
  INVALID_VERSION_RANGE: { status: 400, when: 'page.diff: `from` is not before `to`, or a version outside 1..current' },
  PAGE_ACK_MISMATCH: { status: 400, when: 'changeset.decide: `pageAck` is not exactly the pages of the set approval' },
  INVALID_PURGE_TIME: { status: 400, when: 'a retention purge with an invalid cut-off' },
  SIGNATURE_REQUIRED: { status: 400, when: 'a decision of a step that requires an electronic signature came without a credential, or with a credential type the step does not take (SPEC 2.3c)' },
  MEANING_REQUIRED: { status: 400, when: 'a signed decision without a `meaning`' },
  UNKNOWN_MEANING: { status: 400, when: 'a signed decision whose `meaning` is not one of the step\'s meanings' },
  PIN_TOO_WEAK: { status: 400, when: 'a new signing PIN that is one repeated character' },
  // 401
  UNAUTHENTICATED: { status: 401, when: 'no Atlassian user could be resolved from the invocation' },
  // 403
  FORBIDDEN: { status: 403, when: 'the caller may not do this to this object (and may see that it exists)' },
  NOT_AN_APPROVER: { status: 403, when: 'a decision by someone who is not an approver of the active step' },
  SELF_APPROVAL_NOT_ALLOWED: { status: 403, when: 'the submitter approves their own submission and the workflow forbids it' },
  SOD_VIOLATION: { status: 403, when: 'a decision by someone separation of duties excludes (an editor of the page version under approval, or a decider of another step); audited (SPEC 2.3a)' },
  APPROVER_CANNOT_VIEW_PAGE: { status: 403, when: 'changeset.decide: the approver cannot view every page of the set (no page is named)' },
  NOT_A_PAGE_EDITOR: { status: 403, when: 'restore to approved: the caller is neither a space admin nor an editor of the page' },
  SCOPE_MISMATCH: { status: 403, when: 'REST: the routed moduleKey is missing, unknown, or of another scope' },
  LICENSE_INACTIVE: { status: 403, when: 'the app licence of the site is not active' },
  CONFLUENCE_CONSENT_REQUIRED: { status: 403, when: 'Confluence needs the user to grant the app access first (Forge NeedsAuthenticationError); nothing was changed' },
  SIGNATURE_INVALID: { status: 403, when: 'the signing PIN or TOTP code is wrong, or the TOTP code was already used; `attemptsLeft` says how many more before the lock' },
  SIGNATURE_LOCKED: { status: 403, when: 'too many wrong credentials: 5 in 15 minutes lock signing for 15 minutes (`retryAfter` seconds), 10 in 24 hours until a site admin resets it (no `retryAfter`)' },
  // 404: also for objects the caller cannot see, so existence is never revealed
  PAGE_NOT_FOUND: { status: 404, when: 'the page does not exist or the caller cannot view it (single-page operations, preflight included)' },
  SPACE_NOT_FOUND: { status: 404, when: 'the space does not exist or the caller cannot view it (workflow lists)' },
  // SPEC §3 "409 … page not eligible on single submit": the chosen workflow is an eligibility check there (SPEC 2.6)
  WORKFLOW_NOT_FOUND: { status: 404, eligibilityStatus: 409, when: 'the workflow does not exist in a space the caller can view; on page submit (409) the chosen workflow does not exist in the page\'s space' },
  CHANGE_SET_NOT_FOUND: { status: 404, when: 'the change set does not exist or the caller cannot view its space' },
  SET_APPROVAL_NOT_FOUND: { status: 404, when: 'the set approval does not exist or the caller cannot view its change set' },
  APPROVAL_NOT_FOUND: { status: 404, when: 'the approval does not exist or the caller cannot view its page' },
  DELEGATION_NOT_FOUND: { status: 404, when: 'the delegation does not exist or the caller may not see it' },
  // 405
  METHOD_NOT_ALLOWED: { status: 405, when: 'REST: wrong HTTP method' },
  // 409
  VERSION_CONFLICT: { status: 409, when: '`expectedVersion` is stale' },
  CONCURRENT_MODIFICATION: { status: 409, when: 'the object kept changing while we retried; read it again' },
  APPROVAL_NOT_PENDING: { status: 409, when: 'a decision or cancel on an approval that is no longer pending' },
  ALREADY_DECIDED: { status: 409, when: 'the approver already decided this step' },
  STEP_ALREADY_SATISFIED_FOR_YOU: { status: 409, when: 'an approval that would count toward no group of the step that still needs one (SPEC 2.1a)' },
  DISTINCT_APPROVER_REQUIRED: { status: 409, when: 'changeset.decide: the set waits for approvals from `sod.changeSetMinDistinctApprovers` different people and the caller already approved it (SPEC 2.3a)' },
  SOD_UNVERIFIABLE: { status: 409, when: 'separation of duties needs the editors of more than 500 page versions; the decision is refused (SPEC 2.3a)' },
  DELEGATION_OVERLAP: { status: 409, when: 'an active delegation of the same delegator and scope overlaps the new window (SPEC 2.3b)' },
  SIGNATURE_NOT_ENROLLED: { status: 409, when: 'the signer has no PIN or TOTP enrolled that the step accepts (or no TOTP enrolment is waiting for confirmation)' },
  WORKFLOW_LIMIT_REACHED: { status: 409, when: 'a space already has the maximum number of workflows (100)' },
  WORKFLOW_HAS_PENDING: { status: 409, when: 'deleting a workflow with pending approvals' },
  CHANGE_SET_ARCHIVED: { status: 409, when: 'updating or submitting an archived change set' },
  CHANGE_SET_HAS_PENDING: { status: 409, when: 'archiving while a page submitted through it is pending, or an update removing such a page' },
  CHANGE_SET_EXISTS: { status: 409, when: 'an idempotent create collided with a different change set' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, when: 'a request with this Idempotency-Key is still running (Retry-After: the rest of its 60 s lease)' },
  NO_APPROVED_VERSION: { status: 409, when: 'restore to approved (or page.diff from an explicit "lastApproved") on a page that has no approved version' },
  PAGE_CHANGED: { status: 409, when: 'restore to approved: the page got a new version meanwhile; read it again' },
  CHANGESET_NOT_ELIGIBLE: { status: 409, when: 'atomic change-set submit: some page is not eligible (`details` carry each page and its reason); nothing was submitted; in an atomic preflight, the per-page `code` of the pages eligible on their own' },
  MIXED_WORKFLOWS: { status: 409, when: 'atomic change-set submit: the pages resolve to different workflows (`details` group them); in an atomic preflight, every page\'s `code`' },
  CHANGESET_IN_REVIEW: { status: 409, when: 'updating an atomic change set, or switching its approvalMode, while a set approval is pending' },
  NO_WORKFLOW: { status: 409, when: ELIGIBILITY },
  PENDING_APPROVAL: { status: 409, when: ELIGIBILITY },
  PAGE_NOT_PUBLISHED: { status: 409, when: ELIGIBILITY },
  NO_EDIT_PERMISSION: { status: 403, when: `${ELIGIBILITY}: the caller cannot edit the page` },
  WORKFLOW_DISABLED: { status: 409, when: ELIGIBILITY },
  ALREADY_APPROVED: { status: 409, when: ELIGIBILITY },
  NO_ELIGIBLE_APPROVER: { status: 409, when: ELIGIBILITY },
  WORKFLOW_NOT_ASSIGNED: { status: 409, when: `${ELIGIBILITY}: the page is assigned to another workflow` },
  ROUTING_INCOMPLETE: { status: 409, when: `${ELIGIBILITY}: the page's labels or ancestors could not all be read as the submitter, so routing rules could not be evaluated` },
  WRONG_SPACE: { status: 400, when: 'a change set names a page of another space' },
  // 410
  CURSOR_EXPIRED: { status: 410, when: 'an event-feed cursor older than the 14-day event retention; start again without a cursor' },
  // 413 / 415 / 422
  PAYLOAD_TOO_LARGE: { status: 413, when: 'REST body over 256 KiB' },
  EVIDENCE_TOO_LARGE: { status: 413, when: 'an evidence pack scope with more than 2,000 audit records (export a narrower scope: one approval)' },
  AUDIT_VERIFY_TOO_LARGE: { status: 413, when: 'audit.verify on a trail of more than 10,000 chained records (too many for one invocation): start a verification job (`audit.verifyJob.start`) instead' },
  TOO_MANY_CONFLUENCE_CALLS: { status: 413, when: 'the request needs more Confluence calls than one Forge invocation allows (e.g. a change set with too many pages to check; split it); nothing was changed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, when: 'REST body is not application/json' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, when: 'the same Idempotency-Key with a different body' },
  // 429
  RATE_LIMITED: { status: 429, when: 'a rate limit of docs/api.md "Rate limits" is exhausted, or the store throttles (Retry-After)' },
  // 500 / 503
  INTERNAL_ERROR: { status: 500, when: 'a bug or corrupt data; no internals are disclosed' },
  UPSTREAM_UNAVAILABLE: { status: 503, when: 'the store or Confluence is unavailable right now, or the store is full (Retry-After)' },
  // internal: logged, answered as INTERNAL_ERROR
  CORRUPT_RECORD: { status: 500, when: 'a stored record failed validation', internal: true },
  TRANSACTION_TOO_LARGE: { status: 500, when: 'a write exceeded the store transaction limit', internal: true },
  INVALID_REQUEST_TOKEN: { status: 500, when: 'an idempotency request token was malformed', internal: true },
  CONFLUENCE_ERROR: { status: 500, when: 'Confluence answered unexpectedly', internal: true },
  AUDIT_TOO_MANY_ENTRIES: { status: 500, when: 'one change tried to write too many audit records', internal: true },
  AUDIT_STATE_INVALID: { status: 500, when: 'the audit head is corrupt', internal: true },
  AUDIT_ENTRY_INVALID: { status: 500, when: 'an audit entry to append failed validation', internal: true },
  AUDIT_RECORD_INVALID: { status: 500, when: 'an audit record is corrupt', internal: true },
  SECRETS_UNAVAILABLE: { status: 500, when: 'the composition root configured no secret storage', internal: true },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A refusal the app answers on purpose: its status comes from the registry entry of its code. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** seconds a client should wait before retrying (429 / 503 answers carry it as Retry-After) */
    readonly retryAfterSeconds?: number,
    /** SIGNATURE_INVALID: wrong credentials still allowed before the signer is locked (SPEC 2.3c) */
    readonly attemptsLeft?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** A single page's submit refused by an eligibility check (SPEC 2.6): the registry's `eligibilityStatus` where it states one. */
export class EligibilityError extends DomainError {
  override get status(): number {
    const info: CodeInfo = ERROR_CODES[this.code];
    return info.eligibilityStatus ?? super.status;
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}
