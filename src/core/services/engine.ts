/**
 * The engine: every operation, by area. Transports call `engine.<area>.<name>(caller, ...)`; that
 * runs the operation's `execute(ctx, caller, ...)` (operation.ts). The Engine type is derived from
 * this list, so an operation's signature lives only in its own file: to add one, write its module
 * and add it here (docs/adding-an-operation.md).
 *
 * Inputs are validated by the edge's zod schemas (core/domain/fields.ts: shapes, lengths, uniqueness),
 * and operations trust them; each operation enforces the rules that need state (space membership,
 * existence, versions, reachability of a quorum) and checks the caller's rights.
 */
import type { EngineContext } from './context';
import type { Bound } from './operation';
import { auditNotFound } from './denials';
import { preflightPage, submitPage } from './approvals/submit';
import { decide } from './approvals/decide';
import { cancel, reset } from './approvals/cancel';
import { decisionPreview } from './approvals/preview';
import { createDelegation, createDelegationFor } from './delegations/create';
import { listDelegations } from './delegations/list';
import { revokeDelegation } from './delegations/revoke';
import { history, pageStatus, queue } from './approvals/read';
import { changeSetsOfPage, getChangeSet, listChangeSets } from './changesets/read';
import { createChangeSet } from './changesets/create';
import { archiveChangeSet, updateChangeSet } from './changesets/edit';
import { preflightChangeSet, submitChangeSet } from './changesets/submit';
import { decideSet } from './changesets/atomic/decide';
import { setDecisionPreview } from './changesets/atomic/preview';
import { pageDiff } from './content/diff';
import { restoreApproved } from './content/restore';
import { pageUpdated, stalenessOfPage } from './content/page-updated';
import { getWorkflow, listWorkflows } from './workflows/read';
import { createWorkflow, duplicateWorkflow, importWorkflow } from './workflows/create';
import { setWorkflowEnabled, updateWorkflow } from './workflows/edit';
import { removeWorkflow } from './workflows/remove';
import { assignWorkflow } from './workflows/assign';
import { exportWorkflow } from './workflows/export-document';
import { previewImport } from './workflows/import-preview';
import { importDocument } from './workflows/import-document';
import { listEvents } from './events/list';
import { listRoutingRules } from './routing/list';
import { saveRoutingRules } from './routing/save';
import { explainRouting } from './routing/explain';
import { recordDrift } from './routing/record-drift';
import { getLabelBridge } from './automation/get-labels';
import { saveLabelBridge } from './automation/save-labels';
import { canListAudit, exportAudit, listAudit, verifyAudit } from './audit-service';
import { startAuditVerification } from './audit-verify/start';
import { auditVerificationStatus } from './audit-verify/status';
import { displayNames } from './people';
import { adminCapabilities, changeSetCapabilities, pageCapabilities, pageTitles, spaceCapabilities, spaceNames, workflowNames } from './capabilities';
import { requireSiteAdminFor } from './admin-gate';
import { searchDirectory } from './directory-search';
import { clearAssignment, spaceTree } from '../lifecycle/manage-space';
import { reviewCounts, reviewQueue } from '../lifecycle/review-queue';
import { readRetention, updateRetentionSettings } from '../lifecycle/retention';
import { runDailyJob } from '../lifecycle/daily-job';
import type { Invocation } from './types';
import { signatureStatus } from '../signatures/status';
import { setSigningPin } from '../signatures/set-pin';
import { confirmTotpEnrolment, startTotpEnrolment } from '../signatures/enroll-totp';
import { resetSignature } from '../signatures/reset';
import { signingKeys } from '../evidence/keys';
import { rotateSigningKey } from '../evidence/rotate-key';
import { approvalReceipt } from '../evidence/receipt';
import { pageReceipt } from '../evidence/page-receipt';
import { signAuditCheckpoint } from '../evidence/checkpoint';
import { exportEvidence } from '../evidence/export-pack';

export type { ResultPage, ChangeSetCreateInput, ChangeSetUpdateInput, PageCapabilities, SpaceCapabilities, Invocation } from './types';
export type { SavedWorkflow, WorkflowInput } from './workflows/types';

/** Every operation, by area and by the name transports call it with. */
export const OPERATIONS = {
  workflows: {
    list: listWorkflows,
    get: getWorkflow,
    create: createWorkflow,
    update: updateWorkflow,
    duplicate: duplicateWorkflow,
    setEnabled: setWorkflowEnabled,
    remove: removeWorkflow,
    importFrom: importWorkflow,
    assign: assignWorkflow,
    exportDocument: exportWorkflow,
    previewImport,
    importDocument,
  },
  approvals: { preflightPage, submitPage, decide, decisionPreview, cancel, reset, pageStatus, history, queue },
  delegations: { create: createDelegation, createFor: createDelegationFor, list: listDelegations, revoke: revokeDelegation },
  changeSets: {
    list: listChangeSets,
    get: getChangeSet,
    create: createChangeSet,
    update: updateChangeSet,
    archive: archiveChangeSet,
    preflight: preflightChangeSet,
    submit: submitChangeSet,
    decide: decideSet,
    decisionPreview: setDecisionPreview,
    forPage: changeSetsOfPage,
  },
  audit: { list: listAudit, canList: canListAudit, verify: verifyAudit, startVerification: startAuditVerification, verificationStatus: auditVerificationStatus, export: exportAudit },
  people: { displayNames },
  capabilities: {
    page: pageCapabilities,
    space: spaceCapabilities,
    changeSet: changeSetCapabilities,
    pageTitles,
    spaceNames,
    workflowNames,
    admin: adminCapabilities,
    requireSiteAdmin: requireSiteAdminFor,
  },
  directory: { search: searchDirectory },
  // SPEC 2.4a: what changed since approval
  content: { pageUpdated, diff: pageDiff, restore: restoreApproved, staleness: stalenessOfPage },
  lifecycle: {
    spaceTree,
    clearAssignment,
    reviewQueue,
    reviewCounts,
    retention: readRetention,
    updateRetention: updateRetentionSettings,
    runDaily: runDailyJob,
  },
  signatures: {
    status: signatureStatus,
    setPin: setSigningPin,
    startTotp: startTotpEnrolment,
    confirmTotp: confirmTotpEnrolment,
    reset: resetSignature,
  },
  evidence: { keys: signingKeys, rotateKey: rotateSigningKey, receipt: approvalReceipt, pageReceipt, signCheckpoint: signAuditCheckpoint, export: exportEvidence },
  events: { list: listEvents },
  routing: { list: listRoutingRules, save: saveRoutingRules, explain: explainRouting, recordDrift },
  // SPEC 3a: the Automation label bridge
  automation: { getLabels: getLabelBridge, saveLabels: saveLabelBridge },
};

type Operations = typeof OPERATIONS;

/** `engine.<area>.<name>`: each operation's execute with the engine context bound. */
export type Engine = { [A in keyof Operations]: { [N in keyof Operations[A]]: Bound<Operations[A][N]> } };

/** The engine for one invocation; transports call it once per request with the resolved caller. */
export type EngineFactory = (invocation: Invocation) => Engine;

/**
 * Binds every operation to one engine context. A 404 refusal the operation did not audit itself is
 * audited here (denials.ts auditNotFound), so no operation can forget SPEC 5's access.denied.
 */
export function bindOperations(ctx: EngineContext): Engine {
  type Op = { execute(ctx: EngineContext, ...args: never[]): Promise<unknown> };
  const bind = (operation: string, op: Op) => async (...args: never[]) => {
    try {
      return await op.execute(ctx, ...args);
    } catch (err) {
      await auditNotFound(ctx, operation, args[0], err);
      throw err;
    }
  };
  const bindArea = (area: string, ops: Record<string, Op>) => Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, bind(`${area}.${name}`, op)]));
  return Object.fromEntries(Object.entries(OPERATIONS).map(([area, ops]) => [area, bindArea(area, ops)])) as Engine;
}
