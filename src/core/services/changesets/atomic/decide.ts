/**
 * `changeset.decide` (SPEC 2.5a): one approver's decision on the whole set. The approver
 * acknowledges the full manifest (`pageAck`), must be able to view every page (403
 * APPROVER_CANNOT_VIEW_PAGE, naming none), and decides under the rules of 2.3 per step. A pinned
 * page that changed voids the set instead. Every decision, the final one included, is ONE
 * transaction on the set approval: page states derive from it, so the write does not grow with
 * the page count. Delegation, separation of duties and signatures follow the page decision's rules
 * (the same modules); `sod.changeSetMinDistinctApprovers` holds the final approval until that many
 * different people approved (SPEC 2.3a).
 */
import type { Caller } from '../../../domain/caller';
import type { DecisionOutcome } from '../../../domain/decisions';
import { DomainError } from '../../../domain/errors';
import { signatureManifestation } from '../../../domain/manifestation';
import type { AuditAction, SetApproval } from '../../../domain/model';
import { parseStored, setApprovalSchema } from '../../../domain/schemas';
import type { EngineContext } from '../../context';
import { defineOperation } from '../../operation';
import { SpaceAccess } from '../../access';
import { auditEntry, commitWithAudit } from '../../commit';
import { denial } from '../../denials';
import { keys } from '../../keys';
import { withRetry } from '../../retry';
import { computeHash } from '../../staleness/content';
import { signatureFor, signSubject, withSignature, type SignedDecision } from '../../../signatures/sign-decision';
import type { Credential } from '../../../signatures/verify-credential';
import { enqueueAfterCommit } from '../../commit';
import { changedPins, invalidateSet } from './invalidate';
import { cannotViewEveryPage, judgeSetDecision, loadVisibleSet, pinnedPageChanged, setNotPending } from './rules';
import { setNoticeJob } from './notify';
import { setLeavingPendingOps } from './pending';

export interface SetDecisionInput {
  setApprovalId: string;
  decision: 'approve' | 'reject';
  comment?: string;
  /** SPEC 2.3c: required when the active step takes a signature; verified before the decision transaction */
  meaning?: string;
  credential?: Credential;
  pageAck: string[];
}

export const decideSet = defineOperation({
  rights: 'An approver of the active step who can view every page of the set (NOT_AN_APPROVER / APPROVER_CANNOT_VIEW_PAGE 403, audited); a set in a space the caller cannot view is SET_APPROVAL_NOT_FOUND like a missing one.',
  async execute(ctx: EngineContext, caller: Caller, input: SetDecisionInput): Promise<SetApproval> {
    const access = new SpaceAccess(ctx, caller.accountId);
    // SPEC 2.3c: the credential is verified before, and outside, the decision transaction.
    const signed = await signSet(ctx, caller, access, input);
    const decided = await withRetry(ctx, async () => {
      const { item, set } = await loadVisibleSet(ctx, caller, access, input.setApprovalId, 'changeset.decide');
      if (set.status !== 'pending') throw setNotPending();
      const manifestIds = set.manifest.map((m) => m.pageId);
      if (new Set(input.pageAck).size !== manifestIds.length || !manifestIds.every((id) => input.pageAck.includes(id))) {
        throw new DomainError('PAGE_ACK_MISMATCH', 'Acknowledge exactly the pages of this set approval.', [{ field: 'pageAck', code: 'MISMATCH', reason: `must list the ${manifestIds.length} pages of the set` }]);
      }
      const signature = signatureFor(set, signed);
      const outcome = await withSignature(ctx, await decideOrDeny(ctx, caller, set, input), signature);
      // Pages as the approver sees them: every one visible, every one still at its pinned version.
      const pages = await ctx.confluence.getPages(manifestIds);
      if (manifestIds.some((id) => !pages.has(id))) {
        throw await denial(ctx, caller, cannotViewEveryPage(), set.spaceId, { operation: 'changeset.decide', changeSetId: set.changeSetId });
      }
      const changed = changedPins(set, pages);
      if (changed.length > 0) {
        await invalidateSet(ctx, caller, item, set, changed);
        throw pinnedPageChanged();
      }
      const next = outcome.approval.status === 'approved' ? await withManifestHashes(ctx, outcome.approval) : outcome.approval;
      await commitWithAudit(ctx, [{ op: 'put', key: item.key, value: next, condition: { kind: 'version', version: item.version } }, ...(await setLeavingPendingOps(ctx, next))], auditOf(caller, set, next, outcome));
      return next;
    });
    // the decision's page comments, after the response (docs/decisions.md "Issue 20")
    await enqueueAfterCommit(ctx, [setNoticeJob(decided.id, decided.decisions.length)]);
    return decided;
  },
});

/** The signature for this decision, verified now; undefined when nothing is to be signed (or the decision will refuse anyway). */
async function signSet(ctx: EngineContext, caller: Caller, access: SpaceAccess, input: SetDecisionInput): Promise<SignedDecision | undefined> {
  if (!input.credential) return undefined; // a step that requires one refuses inside the decision (signatureFor)
  const item = await ctx.store.get(keys.setApproval(input.setApprovalId));
  if (!item) return undefined;
  const set = parseStored(setApprovalSchema, item.key, item.value);
  if (set.status !== 'pending' || !(await access.canView(set.spaceId))) return undefined;
  const place = { spaceId: set.spaceId, changeSetId: set.changeSetId, setApprovalId: set.id };
  return signSubject(ctx, caller, { approval: set, place, record: { pages: set.manifest.map((m) => ({ pageId: m.pageId, pageVersion: m.pageVersion })) } }, input);
}

/** The decision under the rules of 2.1a-2.3b (rules.ts); a forbidden decision is audited. */
async function decideOrDeny(ctx: EngineContext, caller: Caller, set: SetApproval, input: SetDecisionInput): Promise<DecisionOutcome<SetApproval>> {
  try {
    return await judgeSetDecision(ctx, caller.accountId, set, input.decision, input.comment);
  } catch (err) {
    if (err instanceof DomainError && err.status === 403) throw await denial(ctx, caller, err, set.spaceId, { operation: `changeset.${input.decision}`, changeSetId: set.changeSetId });
    throw err;
  }
}

/** `changeset.decided` (with delegation, signature and any wait for more approvers), then `changeset.approved|rejected` when final. */
function auditOf(caller: Caller, set: SetApproval, next: SetApproval, outcome: DecisionOutcome<SetApproval>) {
  const last = next.decisions.at(-1);
  const fields = { changeSetId: set.changeSetId, workflowId: set.workflowId };
  const entries = [
    auditEntry(caller, 'changeset.decided', set.spaceId, {
      ...fields,
      details: {
        setApprovalId: set.id,
        step: set.activeStep + 1,
        decision: last?.decision,
        ...(last?.comment ? { comment: last.comment } : {}),
        ...(last?.onBehalfOf ? { onBehalfOf: last.onBehalfOf, delegationId: last.delegationId } : {}),
        ...(last?.signature ? { signature: last.signature, manifestation: signatureManifestation(last.signature) } : {}),
        ...(outcome.awaitingApprovers ? { awaitingApprovers: outcome.awaitingApprovers } : {}),
      },
    }),
  ];
  const final: AuditAction | undefined = next.status === 'approved' ? 'changeset.approved' : next.status === 'rejected' ? 'changeset.rejected' : undefined;
  if (final) entries.push(auditEntry(caller, final, set.spaceId, { ...fields, details: { setApprovalId: set.id, manifest: next.manifest.map((m) => `${m.pageId}@${m.pageVersion}`) } }));
  return entries;
}

/** Under a content policy, the final approval records each pinned version's hash (read as the approver, 5 at a time). */
async function withManifestHashes(ctx: EngineContext, set: SetApproval): Promise<SetApproval> {
  if ((set.workflowSnapshot.stalenessPolicy ?? 'any_version') === 'any_version') return set;
  const manifest = [...set.manifest];
  for (let i = 0; i < manifest.length; i += 5) {
    await Promise.all(
      manifest.slice(i, i + 5).map(async (m, j) => {
        const hash = await computeHash(ctx, m.pageId, m.pageVersion);
        if (hash) manifest[i + j] = { ...m, contentHash: hash };
      }),
    );
  }
  return { ...set, manifest };
}
