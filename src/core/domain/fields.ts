/**
 * The field rules of SPEC §2 and §9 as zod schemas, built once from FIELD_LIMITS. The stored-record
 * schemas (schemas.ts), the REST schemas (transport/api/schemas.ts) and the resolver payload schemas
 * (each binding row's `input` in transport/resolvers/<surface>.ts) are all composed from these
 * (pick / extend / strict), so a limit or a format changes in one place.
 */
import { z } from 'zod';
import { CONFLUENCE_ID_MAX, FIELD_LIMITS as L, REVIEW_PERIOD_DAYS } from './limits';
import { APPROVAL_MODES, APPROVAL_STATUSES, AUDIT_ACTIONS, CHANGE_SET_STATUSES, ROLLUP_STATES, SOURCES, STALENESS_POLICIES, STEP_MODES } from './model';
import { stepSignatureSchemaWith } from './signature-fields';
import { SOD_DEFAULTS } from './sod';
import { GROUP_PREFIX } from './step-composition';

// ---------- text hygiene (SPEC §9) ----------

/**
 * C0 controls other than tab and newline, the bidi embedding/override/isolate controls, and lone
 * UTF-16 surrogates: invisible characters that can hide or reorder what a reviewer reads.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_TEXT = /[\u0000-\u0008\u000B-\u001F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasForbiddenText(value: string): boolean {
  return FORBIDDEN_TEXT.test(value);
}

const TEXT_REASON = 'must not contain control characters (other than tab and newline), bidirectional overrides or lone surrogates';

/** Human text typed by a user: bounded and free of invisible control and bidi characters. */
export const safeText = (max: number) => z.string().max(max).refine((s) => !hasForbiddenText(s), TEXT_REASON);
/** Like safeText, and not blank. */
export const nonBlankText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !hasForbiddenText(s), TEXT_REASON)
    .refine((s) => s.length === 0 || s.trim().length > 0, 'must not be blank');

// ---------- ids ----------

/** Compares decimal strings without leading zeros: fewer digits is smaller, then lexical order. */
function withinInt64(digits: string): boolean {
  return digits.length < CONFLUENCE_ID_MAX.length || (digits.length === CONFLUENCE_ID_MAX.length && digits <= CONFLUENCE_ID_MAX);
}

/**
 * Confluence page and space ids: decimal int64 strings (SPEC §9). Leading zeros are refused so one
 * page never has two spellings (a second spelling would be a second cache/lock key).
 */
const CONFLUENCE_ID = new RegExp(`^[1-9][0-9]{0,${L.confluenceIdDigits.max - 1}}$`);

// Each refinement below only judges values the rule before it let through, so one bad value gives
// one detail (and parent rules such as pageRefs uniqueness still run).
export const confluenceId = z
  .string()
  .regex(CONFLUENCE_ID, 'must be a Confluence id: 1..19 decimal digits without leading zeros')
  .refine((s) => !CONFLUENCE_ID.test(s) || withinInt64(s), 'must be at most 9223372036854775807');

/** App-generated ids (workflows, change sets, approvals): store-key-safe, see IdGenerator. */
export const opaqueId = z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${L.opaqueId.max}}$`), 'must be 1..128 characters of A-Z a-z 0-9 _ -');

/**
 * The one shape of an Atlassian account id (e.g. 557058:uuid or 24 hex digits): the edge schemas,
 * the identity module, the engine's look-up filters and the Confluence client all test this.
 */
export const ACCOUNT_ID_PATTERN = new RegExp(`^[A-Za-z0-9:._-]{1,${L.accountId.max}}$`);

/**
 * The one shape of an id Confluence puts in a URL path (pages, comments, groups): the Confluence
 * client refuses anything else before a request is built, and look-ups skip it.
 */
export const PATH_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

/** Confluence global labels: lowercase, no spaces (regular expressions are refused: ReDoS and ambiguity). */
export const labelName = z.string().regex(new RegExp(`^[a-z0-9_.-]{1,${L.label.max}}$`), `must be a Confluence label: 1..${L.label.max} of a-z 0-9 _ . -`);

/** Atlassian account ids (ACCOUNT_ID_PATTERN). */
export const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'must be an Atlassian account id');

/** An approver: an account id, or a Confluence group written "group:<groupId>". */
export const approverId = accountId.refine((s) => s !== 'group:', 'must name a group after "group:"');

export const clientId = z.string().regex(new RegExp(`^[\\x21-\\x7e]{1,${L.clientId.max}}$`), 'must be 1..256 visible ASCII characters');

// ---------- workflow fields (SPEC 2.1) ----------

export const stepMode = z.enum(STEP_MODES);

export const groupRequired = z.union([z.number().int().min(L.groupRequired.min).max(L.groupRequired.max), z.literal('all')]);
export const rejectPolicy = z.union([z.enum(['any', 'unreachable']), z.strictObject({ threshold: z.number().int().min(L.rejectThreshold.min).max(L.rejectThreshold.max) })]);
const approverList = z
  .array(approverId)
  .min(L.approvers.min)
  .max(L.approvers.max)
  .refine((list) => new Set(list).size === list.length, 'approvers must be unique');

/** SPEC 2.1a: one approver group of a step. */
export const approverGroup = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9_]{0,31}$/, 'must be 1..32 of a-z 0-9 _ starting with a letter or digit'),
  name: nonBlankText(L.groupName.max),
  approvers: approverList,
  required: groupRequired,
});

export const workflowStepFields = {
  name: safeText(L.stepName.max).optional(),
  approvers: approverList.optional(),
  mode: stepMode.optional(),
  groups: z.array(approverGroup).min(L.stepGroups.min).max(L.stepGroups.max).optional(),
  rejectPolicy: rejectPolicy.optional(),
  distinctAcrossGroups: z.boolean().optional(),
  signature: stepSignatureSchemaWith(nonBlankText(L.meaningLabel.max)).optional(),
};

/**
 * A step as written: `{approvers, mode}` or `{groups, rejectPolicy?, distinctAcrossGroups?}`. Both
 * together only when the short form says what the groups say (a step read back saves unchanged).
 */
export const workflowStep = z.strictObject(workflowStepFields).superRefine((step, ctx) => {
  if (step.groups !== undefined && new Set(step.groups.map((g) => g.key)).size !== step.groups.length) {
    ctx.addIssue({ code: 'custom', path: ['groups'], message: 'group keys must be unique in a step' });
  }
  // a reject threshold above the step's named people could never be met (Confluence groups change, so only all-explicit steps are judged)
  const named = (step.groups ?? []).flatMap((g) => g.approvers);
  if (typeof step.rejectPolicy === 'object' && named.length > 0 && named.every((a) => !a.startsWith(GROUP_PREFIX)) && step.rejectPolicy.threshold > new Set(named).size) {
    ctx.addIssue({ code: 'custom', path: ['rejectPolicy', 'threshold'], message: 'must not exceed the number of approvers of the step' });
  }
  const short = step.approvers !== undefined || step.mode !== undefined;
  if (step.groups === undefined) {
    if (step.rejectPolicy !== undefined || step.distinctAcrossGroups !== undefined) ctx.addIssue({ code: 'custom', path: ['groups'], message: 'rejectPolicy and distinctAcrossGroups need groups' });
    if (step.approvers === undefined) ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'a step needs approvers and mode, or groups' });
    if (step.mode === undefined) ctx.addIssue({ code: 'custom', path: ['mode'], message: 'a step needs approvers and mode, or groups' });
    return;
  }
  if (!short) return;
  const [only, ...more] = step.groups;
  const mirrors =
    only !== undefined && more.length === 0 && step.approvers !== undefined && step.mode !== undefined &&
    (step.mode === 'any' ? only.required === 1 : only.required === 'all') &&
    step.approvers.length === only.approvers.length && step.approvers.every((a, i) => a === only.approvers[i]);
  if (!mirrors) ctx.addIssue({ code: 'custom', path: ['groups'], message: 'give either approvers and mode, or groups (both only when they say the same)' });
});

/** SPEC 2.1 review and reminder settings (2.7, 2.8); null turns a feature off. */
export const reviewSettingFields = {
  reviewPeriodDays: z.union(REVIEW_PERIOD_DAYS.map((d) => z.literal(d))).nullable(),
  reminderWindowDays: z.number().int().min(L.reminderWindowDays.min).max(L.reminderWindowDays.max),
  remindAfterDays: z.number().int().min(L.remindAfterDays.min).max(L.remindAfterDays.max).nullable(),
};

/** SPEC 2.3a separation of duties; a field left out takes its default (the object is saved whole). */
export const sodSettings = z.strictObject({
  excludeEditors: z.enum(['none', 'last_editor', 'since_last_approval']).default(SOD_DEFAULTS.excludeEditors),
  distinctAcrossSteps: z.boolean().default(SOD_DEFAULTS.distinctAcrossSteps),
  changeSetMinDistinctApprovers: z.number().int().min(L.changeSetMinDistinctApprovers.min).max(L.changeSetMinDistinctApprovers.max).default(SOD_DEFAULTS.changeSetMinDistinctApprovers),
});

/** SPEC 2.4a staleness policy of a workflow. */
export const stalenessSettingFields = {
  stalenessPolicy: z.enum(STALENESS_POLICIES),
  tolerance: z
    .strictObject({
      maxChangedChars: z.number().int().min(L.toleranceChangedChars.min).max(L.toleranceChangedChars.max),
      maxVersions: z.number().int().min(L.toleranceVersions.min).max(L.toleranceVersions.max),
    })
    .nullable(),
};

export const workflowFields = {
  name: nonBlankText(L.workflowName.max),
  steps: z.array(workflowStep).min(L.steps.min).max(L.steps.max),
  owners: z.array(accountId.refine((s) => !s.startsWith(GROUP_PREFIX), 'owners are account ids, not groups')).max(L.owners.max),
  allowSelfApproval: z.boolean(),
  enabled: z.boolean(),
};

/** A workflow's name and steps as every way in must write them: the edge schemas and an imported document (SPEC 2.1b). */
export const workflowDefinitionRules = z.object({ name: workflowFields.name, steps: workflowFields.steps });

// ---------- change-set fields (SPEC 2.5) ----------

export const httpUrl = z
  .string()
  .max(L.referenceUrl.max)
  .regex(/^https?:\/\//i, 'must be an http or https URL')
  .refine((s) => {
    if (!/^https?:\/\//i.test(s)) return true;
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

export const pageRef = z.strictObject({ pageId: confluenceId });

export const changeSetFields = {
  approvalMode: z.enum(APPROVAL_MODES),
  spaceId: confluenceId,
  title: nonBlankText(L.changeSetTitle.max),
  summary: safeText(L.changeSetSummary.max),
  referenceUrl: httpUrl,
  pageRefs: z
    .array(pageRef)
    .min(L.pageRefs.min)
    .max(L.pageRefs.max)
    .refine((refs) => new Set(refs.map((r) => r.pageId)).size === refs.length, 'page ids must be unique'),
};

/** On update, `referenceUrl: null` clears the link (decisions.md, x-edge); an empty string is still refused. */
export const referenceUrlUpdate = httpUrl.nullable();

/** The fields a change-set update may change. */
const CHANGE_SET_UPDATABLE = ['title', 'summary', 'referenceUrl', 'pageRefs', 'approvalMode'] as const;

/** A change-set update must change something: REST and the resolver refuse an empty one alike. */
export const changeSetUpdateChangesSomething = [
  (update: Partial<Record<(typeof CHANGE_SET_UPDATABLE)[number], unknown>>) => CHANGE_SET_UPDATABLE.some((field) => update[field] !== undefined),
  `give at least one of ${CHANGE_SET_UPDATABLE.join(', ')}`,
] as const;

export const changeSetStatus = z.enum(CHANGE_SET_STATUSES);
export const rollupState = z.enum(ROLLUP_STATES);
export const approvalStatus = z.enum(APPROVAL_STATUSES);

// ---------- decisions (SPEC 2.3) ----------

export const decision = z.enum(['approve', 'reject']);
/** The rejection minimum is a business rule checked by the engine (decisions.ts), not a shape rule. */
export const comment = safeText(L.comment.max);

// ---------- lists (SPEC §9) ----------

export const listLimit = z.number().int().min(L.listPage.min).max(L.listPage.max);
export const cursor = z.string().min(1).max(L.cursor.max);

// ---------- audit filters (SPEC §5) ----------

export const timestamp = z.number().int().min(0);

export const auditFilterFields = {
  from: timestamp.optional(),
  to: timestamp.optional(),
  spaceId: confluenceId.optional(),
  pageId: confluenceId.optional(),
  changeSetId: opaqueId.optional(),
  actor: accountId.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  source: z.enum(SOURCES).optional(),
  clientId: clientId.optional(),
};
