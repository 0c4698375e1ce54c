/** Updating and archiving a change set: its creator or a space admin, never once archived. */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { ChangeSet, ChangeSetView } from '../../domain/model';
import type { ChangeSetUpdateInput } from '../types';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { PageCache } from '../page-cache';
import { getManyByKey } from '../store-reads';
import { keys } from '../keys';
import { enrichOne } from './enrich';
import { loadReadableChangeSet, requireManage } from './guards';
import { validatePages } from './pages';
import { changeSetArchived, indexOps, unindexedMarkerOp, writeMembership } from './store';
import { leaseFreeCheck } from './submit-lease';
import { defineOperation } from '../operation';
import { countPendingThrough, keepsPendingPages, pagesPendingThrough, setReviewOf } from './atomic/review-guard';

export const updateChangeSet = defineOperation({
  rights: 'The creator or a space admin (FORBIDDEN 403, audited); an open change set only.',
  async execute(ctx: EngineContext, caller: Caller, changeSetId: string, input: ChangeSetUpdateInput): Promise<ChangeSetView> {
    const cache = new PageCache(ctx, caller.accountId);
    const access = new SpaceAccess(ctx, caller.accountId);
    const updated = await withRetry(ctx, async () => {
      const { item, cs } = await loadReadableChangeSet(ctx, caller, access, changeSetId, 'changeset.update');
      await requireManage(ctx, caller, access, cs, 'changeset.update');
      if (cs.status === 'archived') throw changeSetArchived();
      if (input.expectedVersion !== undefined && input.expectedVersion !== cs.version) {
        throw new DomainError('VERSION_CONFLICT', `The change set is at version ${cs.version}, not ${input.expectedVersion}.`, [
          { field: 'expectedVersion', code: 'VERSION_CONFLICT', reason: `current version is ${cs.version}` },
        ]);
      }
      const review = await setReviewOf(ctx, cs.id);
      const modeChange = input.approvalMode !== undefined && input.approvalMode !== (cs.approvalMode ?? 'per_page');
      if ((review.pending && cs.approvalMode === 'atomic') || (modeChange && (review.pending || (await pagesPendingThrough(ctx, cs)) > 0))) {
        throw new DomainError('CHANGESET_IN_REVIEW', modeChange ? 'The approval mode can change only while nothing in the change set is pending.' : 'The change set is in review as one set; it cannot change until the review ends.');
      }
      // one getPages for the old and the new pages (the response shows both)
      await cache.pages([...cs.pageRefs.map((r) => r.pageId), ...(input.pageRefs ?? []).map((r) => r.pageId)]);
      if (input.pageRefs) await validatePages(ctx, caller, cache, cs.spaceId, input.pageRefs.map((r) => r.pageId), 'changeset.update');
      const keepsPending = input.pageRefs ? await keepsPendingPages(ctx, cs, input.pageRefs) : [];
      const { approvalMode: _previousMode, referenceUrl: previousUrl, ...rest } = cs;
      const referenceUrl = input.referenceUrl === undefined ? previousUrl : (input.referenceUrl ?? undefined);
      const mode = input.approvalMode ?? cs.approvalMode ?? 'per_page';
      const next: ChangeSet = {
        ...rest,
        ...(mode === 'atomic' ? { approvalMode: 'atomic' as const } : {}),
        ...(input.title !== undefined ? { title: input.title.trim() } : {}),
        ...(input.summary !== undefined ? { summary: input.summary } : {}),
        ...(referenceUrl !== undefined ? { referenceUrl } : {}),
        ...(input.pageRefs ? { pageRefs: input.pageRefs.map((r) => ({ pageId: r.pageId })) } : {}),
        updatedAt: ctx.clock.now(),
        updatedBy: caller.accountId,
        version: cs.version + 1,
      };
      const fields = (['title', 'summary', 'referenceUrl', 'pageRefs', 'approvalMode'] as const).filter((f) => input[f] !== undefined);
      const membershipOps = input.pageRefs ? [unindexedMarkerOp(next)] : [];
      await commitWithAudit(ctx, [{ op: 'put', key: item.key, value: next, condition: { kind: 'version', version: item.version } }, review.pointerCheck, ...keepsPending, ...indexOps(next), ...membershipOps], [
        auditEntry(caller, 'changeset.updated', next.spaceId, {
          changeSetId,
          details: { title: next.title, summary: next.summary, ...(next.referenceUrl ? { referenceUrl: next.referenceUrl } : {}), fields, version: next.version },
        }),
      ]);
      return next;
    });
    if (input.pageRefs) await writeMembership(ctx, updated);
    return enrichOne(ctx, updated, cache);
  },
});

/** Refused while a page submitted through the change set is still pending. */
export const archiveChangeSet = defineOperation({
  rights: 'The creator or a space admin (FORBIDDEN 403, audited); refused while a page submitted through it is pending.',
  async execute(ctx: EngineContext, caller: Caller, changeSetId: string): Promise<ChangeSetView> {
    const access = new SpaceAccess(ctx, caller.accountId);
    const archived = await withRetry(ctx, async () => {
      const { item, cs } = await loadReadableChangeSet(ctx, caller, access, changeSetId, 'changeset.archive');
      await requireManage(ctx, caller, access, cs, 'changeset.archive');
      if (cs.status === 'archived') throw changeSetArchived();
      const leaseKey = keys.changeSetSubmitLease(cs.id);
      const states = await getManyByKey(ctx.store, [...cs.pageRefs.map((r) => keys.pageState(r.pageId)), leaseKey]);
      const leaseCheck = leaseFreeCheck(ctx, cs.id, states.get(leaseKey));
      states.delete(leaseKey);
      const review = await setReviewOf(ctx, cs.id);
      if (countPendingThrough(cs.id, states.values()) > 0 || review.pending) {
        throw new DomainError('CHANGE_SET_HAS_PENDING', 'Pages submitted through this change set are still pending; it cannot be archived yet.');
      }
      const next: ChangeSet = { ...cs, status: 'archived', updatedAt: ctx.clock.now(), updatedBy: caller.accountId, version: cs.version + 1 };
      // The lease check fails if a submit through this change set started meanwhile (its batches may have committed since the read).
      await commitWithAudit(ctx, [{ op: 'put', key: item.key, value: next, condition: { kind: 'version', version: item.version } }, leaseCheck, review.pointerCheck, ...indexOps(next, cs.status)], [
        auditEntry(caller, 'changeset.archived', next.spaceId, { changeSetId, details: { title: next.title } }),
      ]);
      return next;
    });
    return enrichOne(ctx, archived, new PageCache(ctx, caller.accountId));
  },
});
