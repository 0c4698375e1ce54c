/** A decision by an approver of the active step (SPEC 2.3): the rules are domain/decisions.ts, here the I/O. */
import { onDecided } from '../../lifecycle/schedule';
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { DecisionOutcome } from '../../domain/decisions';
import { applyDecision } from '../../domain/decisions';
import { activeStepOf, groupsOfSteps } from '../../domain/approvers';
import type { PageApproval } from '../../domain/model';
import type { TxOp } from '../../ports/store';
import type { EngineContext } from '../context';
import { auditEntry, commitWithAudit } from '../commit';
import { denial } from '../denials';
import { withRetry } from '../retry';
import { keys } from '../keys';
import { expandGroups } from '../page-context';
import { activeApprovers, decisionBody, notifyDecision } from '../notifications';
import type { LoadedApproval } from './records';
import { effectiveApproval, leavePendingOps, loadApproval, notPending } from './records';
import { defineOperation } from '../operation';

type Decision = 'approve' | 'reject';

export const decide = defineOperation({
  rights: 'An approver of the active step (NOT_AN_APPROVER 403, audited); a pending approval only (APPROVAL_NOT_PENDING 409).',
  async execute(ctx: EngineContext, caller: Caller, approvalId: string, decision: Decision, comment?: string): Promise<PageApproval> {
    let commentRef: unknown;
    let what = '';
    const result = await withRetry(ctx, async () => {
      const loaded = await loadApproval(ctx, approvalId);
      commentRef = loaded.commentRef;
      if (loaded.approval.status !== 'pending') throw notPending();
      const { approval, workflowCheck } = await effectiveApproval(ctx, loaded.approval);
      const outcome = await decideOrDeny(ctx, caller, approval, decision, comment);
      await commitDecision(ctx, caller, loaded, approval, outcome, workflowCheck);
      what = describe(decision, outcome, approval.activeStep + 1);
      return outcome.approval;
    });
    const nextApprovers = result.status === 'pending' ? await activeApprovers(ctx, result).catch(() => []) : [];
    await notifyDecision(ctx, result, commentRef, decisionBody(result, what, result.decisions[result.decisions.length - 1]?.comment, nextApprovers));
    return result;
  },
});

/** applyDecision with the step's groups expanded; a forbidden decision is audited. */
async function decideOrDeny(ctx: EngineContext, caller: Caller, approval: PageApproval, decision: Decision, comment?: string): Promise<DecisionOutcome> {
  const groupMembers = new Map<string, string[]>();
  await expandGroups(ctx, groupsOfSteps([activeStepOf(approval)]), groupMembers);
  try {
    return applyDecision(approval, caller.accountId, decision, comment, groupMembers, ctx.clock.now());
  } catch (err) {
    if (err instanceof DomainError && err.status === 403) {
      throw await denial(ctx, caller, err, approval.spaceId, { operation: `approval.${decision}`, pageId: approval.pageId, approvalId: approval.id });
    }
    throw err;
  }
}

async function commitDecision(ctx: EngineContext, caller: Caller, loaded: LoadedApproval, approval: PageApproval, outcome: DecisionOutcome, workflowCheck?: TxOp): Promise<void> {
  const next = outcome.approval;
  const ops: TxOp[] = [
    { op: 'put', key: loaded.item.key, value: next, condition: { kind: 'version', version: loaded.item.version } },
    { op: 'put', key: keys.pageState(next.pageId), value: next },
    ...(next.status !== 'pending' ? leavePendingOps(next) : []),
    ...(workflowCheck ? [workflowCheck] : []),
    ...onDecided(approval, next),
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
          : { step: stepNumber, status: next.status, ...(last?.comment ? { comment: last.comment } : {}) },
    }),
  );
  await commitWithAudit(ctx, ops, entries);
}

function describe(decision: Decision, outcome: DecisionOutcome, stepNumber: number): string {
  if (decision === 'reject') return 'changes were requested';
  if (outcome.approval.status === 'approved') return 'the page is approved; the approval is complete';
  return outcome.completedStep !== undefined ? `step ${stepNumber} is approved` : `one approval recorded (step ${stepNumber} waits for the other approvers)`;
}
