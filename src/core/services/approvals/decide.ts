/** A decision by an approver of the active step (SPEC 2.3): the rules are domain/decisions.ts, here the I/O. */
import { onDecided } from '../../records/lifecycle-schedule';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { DecisionOutcome } from '../../domain/decisions';
import type { PageApproval } from '../../domain/model';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { auditEntry, commitWithAudit, enqueueAfterCommit } from '../commit';
import { denial } from '../denials';
import { withRetry } from '../retry';
import { decisionBody } from '../notifications';
import { queuedComment } from '../comments';
import type { Job } from '../../ports/jobs';
import { waitingCover } from '../delegations/cover';
import type { LockedApproval } from './records';
import { signDecision, signatureFor, withSignature, type SigningInput } from '../../signatures/sign-decision';
import { signatureManifestation } from '../../domain/manifestation';
import { withApprovedContentHash } from '../staleness/approved-hash';
import { approvalUpdateOps, effectiveApproval, loadForUpdate, loadVisibleApproval, notPending } from './records';
import { defineOperation } from '../operation';
import { editorVersions, excludesEditors, SOD_VERSION_CAP } from '../../domain/sod';
import { decideInASlot, pageSlotScope } from './decide-in-slot';
import { activeStepProgress, waitingFor } from '../step-progress';

type Decision = 'approve' | 'reject';

export const decide = defineOperation({
  rights: 'Anyone who can view the page (else APPROVAL_NOT_FOUND, audited, as for a missing approval); an approver of the active step (NOT_AN_APPROVER 403, audited); a pending approval only (APPROVAL_NOT_PENDING 409); a step that takes a signature needs the signer\'s own credential (SPEC 2.3c).',
  async execute(ctx: EngineContext, caller: Caller, approvalId: string, decision: Decision, comment?: string, signing: SigningInput = {}): Promise<PageApproval> {
    let reply: Job | undefined;
    // "missing" and "not yours" alike, before anything tells the approval's state
    const visible = await loadVisibleApproval(ctx, caller, approvalId, `approval.${decision}`);
    // SPEC 2.3c: the credential is verified before, and outside, the decision transaction.
    const signed = await signDecision(ctx, caller, visible.approval, signing);
    const result = await withRetry(ctx, async () => {
      const loaded = await loadForUpdate(ctx, approvalId);
      if (loaded.approval.status !== 'pending') throw notPending();
      const { approval, workflowCheck } = await effectiveApproval(ctx, loaded.approval);
      const signature = signatureFor(approval, signed);
      const outcome = await withSignature(ctx, await decideOrDeny(ctx, caller, approval, decision, comment), signature);
      const queued = await decisionReply(ctx, outcome.approval, describe(decision, outcome, approval.activeStep + 1), loaded.commentId);
      const committed = await commitDecision(ctx, caller, loaded, approval, outcome, queued.op, workflowCheck);
      reply = queued.job;
      return committed;
    });
    if (reply) await enqueueAfterCommit(ctx, [reply]);
    return result;
  },
});

/** The reply comment, built from the decided state and queued in the decision's own transaction (comments.ts queuedComment). */
async function decisionReply(ctx: EngineContext, decided: PageApproval, what: string, parentCommentId: string | undefined): Promise<{ op: TxOp; job: Job }> {
  const groups = decided.status === 'pending' ? await activeStepProgress(ctx, decided).catch(() => []) : [];
  const cover = await waitingCover(ctx, decided, waitingFor(groups));
  const body = decisionBody(decided, what, decided.decisions.at(-1)?.comment, waitingFor(groups), groups, cover);
  return queuedComment(decided, `decision-${decided.decisions.length}`, body, parentCommentId, ctx.clock.now());
}

/** applyDecision in the caller's slots (decide-in-slot.ts); a forbidden decision is audited. */
async function decideOrDeny(ctx: EngineContext, caller: Caller, approval: PageApproval, decision: Decision, comment?: string): Promise<DecisionOutcome> {
  const judged = await withSodEditors(ctx, approval);
  if (judged.sodUnverifiable && excludesEditors(judged.workflowSnapshot.sod)) {
    throw new DomainError('SOD_UNVERIFIABLE', `Separation of duties cannot check who edited this page (more than ${SOD_VERSION_CAP} versions, or versions that cannot be read), so no decision can be recorded; cancel and resubmit.`);
  }
  try {
    const scope = pageSlotScope(ctx, caller.accountId, judged);
    return await decideInASlot(ctx, caller.accountId, judged, scope, decision, comment);
  } catch (err) {
    if (err instanceof DomainError && err.status === 403) {
      throw await denial(ctx, caller, err, approval.spaceId, { operation: `approval.${decision}`, pageId: approval.pageId, approvalId: approval.id });
    }
    throw err;
  }
}

/**
 * The editors separation of duties excludes were read at submission; an approval that took on SoD
 * later (an in-flight edit) has none, so they are read now, as the deciding approver.
 */
async function withSodEditors(ctx: EngineContext, approval: PageApproval): Promise<PageApproval> {
  const sod = approval.workflowSnapshot.sod;
  if (!excludesEditors(sod) || approval.sodEditors !== undefined || approval.sodUnverifiable) return approval;
  const range = editorVersions(sod, approval.pageVersion, undefined);
  if (range.upTo - range.after > SOD_VERSION_CAP) return { ...approval, sodUnverifiable: true };
  const read = await ctx.confluence.pageVersionEditors(approval.pageId, range.after, range.upTo);
  return read.verified ? { ...approval, sodEditors: read.editors } : { ...approval, sodUnverifiable: true };
}

async function commitDecision(ctx: EngineContext, caller: Caller, loaded: LockedApproval, approval: PageApproval, outcome: DecisionOutcome, reply: TxOp, workflowCheck?: TxOp): Promise<PageApproval> {
  const { approval: next, hashOps } = await withApprovedContentHash(ctx, outcome.approval);
  const ops: TxOp[] = [
    ...hashOps,
    ...(await approvalUpdateOps(ctx, loaded, next)),
    ...(workflowCheck ? [workflowCheck] : []),
    ...onDecided(approval, next),
    reply,
  ];
  const last = next.decisions.at(-1);
  const stepNumber = approval.activeStep + 1;
  const entries = outcome.actions.map((action) =>
    auditEntry(caller, action, next.spaceId, {
      pageId: next.pageId,
      pageVersion: next.pageVersion,
      workflowId: next.workflowId,
      approvalId: next.id,
      ...(next.changeSetId ? { changeSetId: next.changeSetId } : {}),
      details:
        action === 'approval.step_completed'
          ? { step: stepNumber, nextStep: next.activeStep + 1 }
          : {
              step: stepNumber,
              status: next.status,
              ...(last?.comment ? { comment: last.comment } : {}),
              ...(last?.onBehalfOf ? { onBehalfOf: last.onBehalfOf, delegationId: last.delegationId } : {}),
              ...(last?.signature ? { signature: last.signature, manifestation: signatureManifestation(last.signature) } : {}),
            },
    }),
  );
  await commitWithAudit(ctx, ops, entries);
  return next;
}

function describe(decision: Decision, outcome: DecisionOutcome, stepNumber: number): string {
  if (decision === 'reject') return outcome.approval.status === 'rejected' ? 'the approver asked for changes' : `a rejection was recorded (step ${stepNumber} goes on under its reject policy)`;
  if (outcome.approval.status === 'approved') return 'every step is approved; the approval is complete';
  return outcome.completedStep !== undefined ? `step ${stepNumber} is approved` : `one approval recorded (step ${stepNumber} waits for the other approvers)`;
}
