/** Page approvals (SPEC 2.3, 2.4, 2.6): submit, decide, cancel, reset, status, history, queue. */
import type { Caller } from '../domain/caller';
import type { AuditHeadHint } from '../audit';
import { DomainError } from '../domain/errors';
import type { DomainErrorKind } from '../domain/errors';
import type { EligibilityCode, EligibilityInput, EligibilityResult } from '../domain/eligibility';
import { checkEligibility } from '../domain/eligibility';
import { applyDecision } from '../domain/decisions';
import { expandApprovers, groupsOfSteps } from '../domain/approvers';
import { derivePageState } from '../domain/page-state';
import type { ChangeSet, EligibilityIssue, PageApproval, PreflightResult, Workflow } from '../domain/model';
import { approvalRefSchema, changeSetSchema, pageApprovalSchema, parseStored, workflowSchema } from '../domain/schemas';
import type { StoredItem, TxOp } from '../ports/store';
import type { ApprovalService } from './engine';
import type { EngineContext } from './context';
import { auditEntry, commitWithAudit, deny, getManyByKey, withRetry } from './context';
import { keys } from './keys';
import { activeApprovers, decisionBody, notifyDecision, notifySubmissions } from './notifications';
import { PageCache, expandGroups, loadPageContext, parsePageState } from './page-context';
import { deriveReview, reviewTermsOf } from '../lifecycle/review';
import { onCancelled, onDecided, onSubmitted } from '../lifecycle/schedule';

const KIND_OF_CODE: Partial<Record<EligibilityCode, DomainErrorKind>> = {
  PAGE_NOT_FOUND: 'not_found',
  WORKFLOW_NOT_FOUND: 'not_found',
  NO_EDIT_PERMISSION: 'forbidden',
};

export function eligibilityError(result: { code: EligibilityCode; reason: string }): DomainError {
  return new DomainError(KIND_OF_CODE[result.code] ?? 'conflict', result.code, result.reason, [{ code: result.code, reason: result.reason }]);
}

function snapshotOf(workflow: Workflow): PageApproval['workflowSnapshot'] {
  return { id: workflow.id, name: workflow.name, steps: workflow.steps, allowSelfApproval: workflow.allowSelfApproval, version: workflow.version, ...reviewTermsOf(workflow) };
}

/**
 * The in-flight rule (SPEC 2.1): a pending approval without decisions follows its workflow's
 * current definition; once decided on, it keeps its snapshot. Adoption happens at read time, and a
 * write based on an adopted definition carries a `check` on the workflow version so a concurrent
 * workflow edit forces a re-read. A deleted workflow leaves the snapshot in force.
 */
export async function effectiveApproval(ctx: EngineContext, approval: PageApproval): Promise<{ approval: PageApproval; workflowCheck?: TxOp }> {
  if (approval.status !== 'pending' || approval.decisions.length > 0) return { approval };
  const item = await ctx.store.get(keys.workflow(approval.workflowId));
  if (!item) return { approval };
  const workflow = parseStored(workflowSchema, item.key, item.value);
  return {
    approval: { ...approval, workflowSnapshot: snapshotOf(workflow) },
    workflowCheck: { op: 'check', key: item.key, condition: { kind: 'version', version: item.version } },
  };
}

/** Ops that remove a leaving-pending approval from the lock and the pending indexes. */
export function leavePendingOps(approval: PageApproval): TxOp[] {
  return [
    { op: 'delete', key: keys.pagePending(approval.pageId), condition: { kind: 'exists' } },
    { op: 'delete', key: keys.pendingBySpace(approval.spaceId, approval.submittedAt, approval.id) },
    { op: 'delete', key: keys.pendingByWorkflow(approval.workflowId, approval.id) },
  ];
}

export type SubmitOneResult =
  | { ok: true; approval: PageApproval; changeSet?: ChangeSet; changeSetItem?: StoredItem; auditHead?: AuditHeadHint }
  | { ok: false; code: string; reason: string; workflowId?: string };

/**
 * One page's submission = one transaction: the approval, the page's create-if-absent pending lock,
 * the page-state copy (version-conditioned), history and pending indexes, the change set touched
 * with a version condition (so archive/update and submit serialise), and the audit record. A crash
 * leaves the page either fully submitted or untouched; two racing submits yield one approval.
 */
export async function submitOne(
  ctx: EngineContext,
  caller: Caller,
  input: EligibilityInput,
  stateItem: StoredItem | undefined,
  changeSetItem?: StoredItem,
  knownAuditHead?: AuditHeadHint,
): Promise<SubmitOneResult> {
  let pageState = stateItem;
  let csItem = changeSetItem;
  let auditHead = knownAuditHead;
  let attempt = 0;
  const approvalId = ctx.ids.next('apr');
  return withRetry(ctx, async (): Promise<SubmitOneResult> => {
    if (attempt++ > 0) {
      auditHead = undefined; // the conflict may have been the audit head: read it afresh
      const fresh = await getManyByKey(ctx.store, [keys.pageState(input.pageId), ...(csItem ? [csItem.key] : [])]);
      pageState = fresh.get(keys.pageState(input.pageId));
      if (csItem) {
        csItem = fresh.get(csItem.key);
        const cs = csItem ? parseStored(changeSetSchema, csItem.key, csItem.value) : undefined;
        if (!cs || cs.status === 'archived') return { ok: false, code: 'CHANGE_SET_ARCHIVED', reason: 'The change set was archived.' };
      }
    }
    const eligibility: EligibilityResult = checkEligibility({ ...input, latest: parsePageState(pageState) });
    if (!eligibility.ok) return { ok: false, code: eligibility.code, reason: eligibility.reason, ...(eligibility.workflowId ? { workflowId: eligibility.workflowId } : {}) };
    const page = input.page!;
    const changeSet = csItem ? parseStored(changeSetSchema, csItem.key, csItem.value) : undefined;
    const now = ctx.clock.now();
    const approval: PageApproval = {
      id: approvalId,
      pageId: page.id,
      spaceId: page.spaceId,
      pageVersion: page.version,
      workflowId: eligibility.workflow.id,
      workflowSnapshot: snapshotOf(eligibility.workflow),
      status: 'pending',
      activeStep: 0,
      decisions: [],
      submittedBy: caller.accountId,
      submittedAt: now,
      source: caller.source,
      ...(caller.source === 'api' && caller.clientId ? { clientId: caller.clientId } : {}),
      ...(changeSet ? { changeSetId: changeSet.id } : {}),
      version: 1,
    };
    const ref = { approvalId };
    const ops: TxOp[] = [
      { op: 'put', key: keys.approval(approvalId), value: approval, condition: { kind: 'absent' } },
      { op: 'put', key: keys.pagePending(page.id), value: { approvalId, ...(changeSet ? { changeSetId: changeSet.id } : {}) }, condition: { kind: 'absent' } },
      { op: 'put', key: keys.pageState(page.id), value: approval, condition: pageState ? { kind: 'version', version: pageState.version } : { kind: 'absent' } },
      { op: 'put', key: keys.pageHistory(page.id, now, approvalId), value: ref },
      { op: 'put', key: keys.pendingBySpace(page.spaceId, now, approvalId), value: ref },
      { op: 'put', key: keys.pendingByWorkflow(approval.workflowId, approvalId), value: ref },
      ...onSubmitted(approval),
    ];
    if (csItem && changeSet) ops.push({ op: 'put', key: csItem.key, value: changeSet, condition: { kind: 'version', version: csItem.version } });
    const headAfterCommit = await commitWithAudit(ctx, ops, [
      auditEntry(caller, 'approval.submitted', page.spaceId, {
        pageId: page.id,
        pageVersion: page.version,
        workflowId: approval.workflowId,
        approvalId,
        ...(changeSet ? { changeSetId: changeSet.id } : {}),
        details: { workflowName: approval.workflowSnapshot.name, ...(changeSet ? { changeSetTitle: changeSet.title } : {}) },
      }),
    ], auditHead);
    // the store bumps the version on every put: the caller can chain the next page without a re-read
    return {
      ok: true,
      approval,
      ...(headAfterCommit ? { auditHead: headAfterCommit } : {}),
      ...(changeSet && csItem ? { changeSet, changeSetItem: { ...csItem, version: csItem.version + 1 } } : {}),
    };
  });
}

/** APPROVER_CANNOT_VIEW warnings: every approver (groups expanded) who cannot read the page. */
export async function approverWarnings(
  ctx: EngineContext,
  items: { pageId: string; workflow: Workflow }[],
  groupMembers: Map<string, string[]>,
): Promise<Map<string, EligibilityIssue[]>> {
  await expandGroups(ctx, items.flatMap((i) => groupsOfSteps(i.workflow.steps)), groupMembers);
  const checks = items.flatMap(({ pageId, workflow }) => {
    const approvers = new Set(workflow.steps.flatMap((s) => expandApprovers(s, groupMembers)));
    return [...approvers].map((accountId) => ({ pageId, accountId }));
  });
  const results = await Promise.all(checks.map((c) => ctx.confluence.checkPagePermission(c.accountId, c.pageId, 'read')));
  const out = new Map<string, EligibilityIssue[]>();
  checks.forEach((c, i) => {
    if (results[i]) return;
    const list = out.get(c.pageId) ?? [];
    list.push({ code: 'APPROVER_CANNOT_VIEW', reason: `Approver ${c.accountId} cannot view the page` });
    out.set(c.pageId, list);
  });
  return out;
}

export function preflightOf(pageId: string, result: EligibilityResult, warnings?: EligibilityIssue[]): PreflightResult {
  if (result.ok) return { pageId, canSubmit: true, workflowId: result.workflow.id, ...(warnings?.length ? { warnings } : {}) };
  return { pageId, canSubmit: false, code: result.code, reason: result.reason, ...(result.workflowId ? { workflowId: result.workflowId } : {}) };
}

const notPending = (): DomainError => new DomainError('conflict', 'APPROVAL_NOT_PENDING', 'This approval is no longer pending.');
const approvalNotFound = (): DomainError => new DomainError('not_found', 'APPROVAL_NOT_FOUND', 'Approval not found.');
const pageNotFound = (): DomainError => new DomainError('not_found', 'PAGE_NOT_FOUND', 'Page not found.');

export function createApprovalService(ctx: EngineContext): ApprovalService {
  const { store, confluence, clock } = ctx;

  async function loadApproval(approvalId: string): Promise<{ item: StoredItem; approval: PageApproval; commentRef: unknown }> {
    const got = await getManyByKey(store, [keys.approval(approvalId), keys.approvalComment(approvalId)]);
    const item = got.get(keys.approval(approvalId));
    if (!item) throw approvalNotFound();
    return { item, approval: parseStored(pageApprovalSchema, item.key, item.value), commentRef: got.get(keys.approvalComment(approvalId))?.value };
  }

  async function requireReadable(caller: Caller, pageId: string): Promise<void> {
    if (!(await confluence.checkPagePermission(caller.accountId, pageId, 'read'))) throw pageNotFound();
  }

  return {
    async preflightPage(caller, pageId, workflowId) {
      const context = await loadPageContext(ctx, caller, [pageId], workflowId !== undefined ? { chosenWorkflowId: workflowId } : {});
      const result = checkEligibility(context.inputs.get(pageId)!);
      const warnings = result.ok ? await approverWarnings(ctx, [{ pageId, workflow: result.workflow }], context.groupMembers) : undefined;
      return preflightOf(pageId, result, warnings?.get(pageId));
    },

    async submitPage(caller, pageId, workflowId) {
      const context = await loadPageContext(ctx, caller, [pageId], workflowId !== undefined ? { chosenWorkflowId: workflowId } : {});
      const input = context.inputs.get(pageId)!;
      const outcome = await submitOne(ctx, caller, input, context.pageStateItems.get(pageId));
      if (!outcome.ok) {
        const error = eligibilityError(outcome as { code: EligibilityCode; reason: string });
        if (error.kind === 'forbidden') await deny(ctx, caller, error, input.page!.spaceId, { operation: 'approval.submit', pageId });
        throw error;
      }
      await notifySubmissions(ctx, [{ approval: outcome.approval }]);
      return outcome.approval;
    },

    async decide(caller, approvalId, decision, comment) {
      let commentRef: unknown;
      let what = '';
      const result = await withRetry(ctx, async () => {
        const loaded = await loadApproval(approvalId);
        commentRef = loaded.commentRef;
        if (loaded.approval.status !== 'pending') throw notPending();
        const { approval, workflowCheck } = await effectiveApproval(ctx, loaded.approval);
        const groupMembers = new Map<string, string[]>();
        await expandGroups(ctx, groupsOfSteps([approval.workflowSnapshot.steps[approval.activeStep]]), groupMembers);
        let outcome;
        try {
          outcome = applyDecision(approval, caller.accountId, decision, comment, groupMembers, clock.now());
        } catch (err) {
          if (err instanceof DomainError && err.kind === 'forbidden') {
            await deny(ctx, caller, err, approval.spaceId, { operation: `approval.${decision}`, pageId: approval.pageId, approvalId });
          }
          throw err;
        }
        const next = outcome.approval;
        const ops: TxOp[] = [
          { op: 'put', key: loaded.item.key, value: next, condition: { kind: 'version', version: loaded.item.version } },
          { op: 'put', key: keys.pageState(next.pageId), value: next },
          ...(next.status !== 'pending' ? leavePendingOps(next) : []),
          ...(workflowCheck ? [workflowCheck] : []),
          ...onDecided(approval, next),
        ];
        const last = next.decisions[next.decisions.length - 1];
        const stepNumber = approval.activeStep + 1;
        await commitWithAudit(
          ctx,
          ops,
          outcome.actions.map((action) =>
            auditEntry(caller, action, next.spaceId, {
              pageId: next.pageId,
              pageVersion: next.pageVersion,
              workflowId: next.workflowId,
              approvalId,
              ...(next.changeSetId ? { changeSetId: next.changeSetId } : {}),
              details:
                action === 'approval.step_completed'
                  ? { step: stepNumber, nextStep: next.activeStep + 1 }
                  : { step: stepNumber, status: next.status, ...(last.comment ? { comment: last.comment } : {}) },
            }),
          ),
        );
        what =
          decision === 'reject'
            ? 'rejected the page'
            : next.status === 'approved'
              ? 'approved the page; the approval is complete'
              : outcome.completedStep !== undefined
                ? `approved step ${stepNumber}`
                : `approved (step ${stepNumber} waits for the other approvers)`;
        return next;
      });
      const nextApprovers = result.status === 'pending' ? await activeApprovers(ctx, result).catch(() => []) : [];
      await notifyDecision(ctx, result, commentRef, decisionBody(result, caller.accountId, what, result.decisions[result.decisions.length - 1]?.comment, nextApprovers));
      return result;
    },

    async cancel(caller, approvalId) {
      let commentRef: unknown;
      const result = await withRetry(ctx, async () => {
        const loaded = await loadApproval(approvalId);
        commentRef = loaded.commentRef;
        const approval = loaded.approval;
        if (approval.submittedBy !== caller.accountId && !(await confluence.isSpaceAdmin(caller.accountId, approval.spaceId))) {
          await deny(ctx, caller, new DomainError('forbidden', 'FORBIDDEN', 'Only the submitter or a space admin can cancel an approval.'), approval.spaceId, {
            operation: 'approval.cancel',
            pageId: approval.pageId,
            approvalId,
          });
        }
        if (approval.status !== 'pending') throw notPending();
        const next: PageApproval = { ...approval, status: 'cancelled', decidedAt: clock.now(), version: approval.version + 1 };
        await commitWithAudit(
          ctx,
          [
            { op: 'put', key: loaded.item.key, value: next, condition: { kind: 'version', version: loaded.item.version } },
            { op: 'put', key: keys.pageState(next.pageId), value: next },
            ...leavePendingOps(next),
            ...onCancelled(next),
          ],
          [
            auditEntry(caller, 'approval.cancelled', next.spaceId, {
              pageId: next.pageId,
              pageVersion: next.pageVersion,
              workflowId: next.workflowId,
              approvalId,
              ...(next.changeSetId ? { changeSetId: next.changeSetId } : {}),
            }),
          ],
        );
        return next;
      });
      await notifyDecision(ctx, result, commentRef, decisionBody(result, caller.accountId, 'cancelled the approval request', undefined, []));
      return result;
    },

    async reset(caller, pageId) {
      const page = (await confluence.getPages([pageId])).get(pageId);
      if (!page) throw pageNotFound();
      if (!(await confluence.isSpaceAdmin(caller.accountId, page.spaceId))) {
        await deny(ctx, caller, new DomainError('forbidden', 'FORBIDDEN', 'Only a space admin can reset a page.'), page.spaceId, { operation: 'approval.reset', pageId });
      }
      await withRetry(ctx, async () => {
        const stateItem = await store.get(keys.pageState(pageId));
        const latest = parsePageState(stateItem);
        if (!stateItem || !latest) return;
        const ops: TxOp[] = [{ op: 'delete', key: stateItem.key, condition: { kind: 'version', version: stateItem.version } }];
        if (latest.status === 'pending') {
          const loaded = await loadApproval(latest.id);
          const cancelled: PageApproval = { ...loaded.approval, status: 'cancelled', decidedAt: clock.now(), version: loaded.approval.version + 1 };
          ops.push(
            { op: 'put', key: loaded.item.key, value: cancelled, condition: { kind: 'version', version: loaded.item.version } },
            ...leavePendingOps(cancelled),
            ...onCancelled(cancelled),
          );
        }
        await commitWithAudit(ctx, ops, [
          auditEntry(caller, 'approval.reset', page.spaceId, {
            pageId,
            pageVersion: latest.pageVersion,
            workflowId: latest.workflowId,
            approvalId: latest.id,
            details: { previousStatus: latest.status },
          }),
        ]);
      });
    },

    async pageStatus(caller, pageId) {
      const [pages, canRead, stateItem] = await Promise.all([
        confluence.getPages([pageId]),
        confluence.checkPagePermission(caller.accountId, pageId, 'read'),
        store.get(keys.pageState(pageId)),
      ]);
      const page = pages.get(pageId);
      if (!page || !canRead) throw pageNotFound();
      const stored = parsePageState(stateItem);
      const latest = stored ? (await effectiveApproval(ctx, stored)).approval : undefined;
      const derived = derivePageState(latest, page.version);
      const review = deriveReview(latest, clock.now());
      const view = { pageId, spaceId: page.spaceId, title: page.title, currentPageVersion: page.version, ...derived, ...review, ...(latest ? { latestApproval: latest } : {}) };
      if (latest?.status !== 'pending') return view;
      const step = latest.workflowSnapshot.steps[latest.activeStep];
      return {
        ...view,
        pending: { approval: latest, activeStep: latest.activeStep, ...(step.name ? { stepName: step.name } : {}), approvers: await activeApprovers(ctx, latest), mode: step.mode },
      };
    },

    async history(caller, pageId) {
      await requireReadable(caller, pageId);
      const refs = await store.query({ prefix: keys.pageHistoryPrefix(pageId), order: 'desc', limit: 100 });
      const ids = refs.items.map((i) => parseStored(approvalRefSchema, i.key, i.value).approvalId);
      const got = await getManyByKey(store, ids.map(keys.approval));
      return ids.flatMap((id) => {
        const item = got.get(keys.approval(id));
        return item ? [parseStored(pageApprovalSchema, item.key, item.value)] : [];
      });
    },

    async queue(caller, spaceId, options) {
      const limit = Math.min(Math.max(options.limit ?? 50, 1), 100);
      const page = await store.query({ prefix: keys.pendingBySpacePrefix(spaceId), limit, ...(options.cursor ? { cursor: options.cursor } : {}) });
      const ids = page.items.map((i) => parseStored(approvalRefSchema, i.key, i.value).approvalId);
      const got = await getManyByKey(store, ids.map(keys.approval));
      const stored = ids.flatMap((id) => {
        const item = got.get(keys.approval(id));
        return item ? [parseStored(pageApprovalSchema, item.key, item.value)] : [];
      });
      // adopt current definitions (in-flight rule) with one batched read of the workflows
      const wfItems = await getManyByKey(store, [...new Set(stored.map((a) => keys.workflow(a.workflowId)))]);
      const approvals = stored.map((a) => {
        const wfItem = wfItems.get(keys.workflow(a.workflowId));
        return a.decisions.length === 0 && wfItem ? { ...a, workflowSnapshot: snapshotOf(parseStored(workflowSchema, wfItem.key, wfItem.value)) } : a;
      });
      const readable = await new PageCache(ctx, caller.accountId).readable(approvals.map((a) => a.pageId));
      let items = approvals.filter((a) => readable.has(a.pageId));
      if (options.mine) {
        const groupMembers = new Map<string, string[]>();
        await expandGroups(ctx, groupsOfSteps(items.map((a) => a.workflowSnapshot.steps[a.activeStep])), groupMembers);
        items = items.filter((a) => expandApprovers(a.workflowSnapshot.steps[a.activeStep], groupMembers).includes(caller.accountId));
      }
      return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  };
}
