/**
 * Restore to approved (SPEC 2.4a): a space admin or an editor of the page writes the last approved
 * version's title and body as a new version, as themselves. Under content_change the page stays
 * approved (same hash); the restore, the new version's hash and the staleness transition it causes
 * are one transaction.
 */
import type { Caller } from '../../domain/caller';
import { contentHash } from '../../domain/content-hash';
import { DomainError } from '../../domain/errors';
import type { Staleness } from '../../domain/model';
import { deriveStaleness } from '../../domain/staleness';
import { StoreError } from '../../ports/store';
import type { EngineContext } from '../context';
import { defineOperation } from '../operation';
import { SpaceAccess } from '../access';
import { auditEntry, commitWithAudit } from '../commit';
import { denial } from '../denials';
import { keys } from '../keys';
import { PageCache, pageNotFound } from '../page-cache';
import { parsePageState } from '../page-context';
import { cacheHashOp } from '../staleness/content';
import { transitionFor } from '../staleness/transitions';
import { lastApproved } from './last-approved';

export interface RestoreResult {
  pageId: string;
  /** the page's version after the restore (unchanged when it already was the approved version) */
  version: number;
  restoredFrom: number;
  written: boolean;
  staleness: Staleness;
}

export const restoreApproved = defineOperation({
  rights: 'A space admin or an editor of the page (NOT_A_PAGE_EDITOR 403, audited); a page the caller cannot see is PAGE_NOT_FOUND.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string): Promise<RestoreResult> {
    const cache = new PageCache(ctx, caller.accountId);
    const page = await cache.visiblePage(caller, pageId, 'page.restore');
    const [{ canEdit }, isAdmin] = await Promise.all([cache.permissions([pageId]), new SpaceAccess(ctx, caller.accountId).isAdmin(page.spaceId)]);
    if (!canEdit.has(pageId) && !isAdmin) {
      throw await denial(ctx, caller, new DomainError('NOT_A_PAGE_EDITOR', 'Only a space admin or an editor of the page can restore it.'), page.spaceId, { operation: 'page.restore', pageId });
    }
    const approved = await lastApproved(ctx, pageId);
    if (!approved) throw new DomainError('NO_APPROVED_VERSION', 'This page has no approved version to restore.');
    const latest = parsePageState(await ctx.store.get(keys.pageState(pageId)));
    if (page.version === approved.pageVersion) {
      return { pageId, version: page.version, restoredFrom: approved.pageVersion, written: false, staleness: deriveStaleness(latest, page.version) };
    }
    const content = await ctx.confluence.getPageContent(pageId, approved.pageVersion);
    if (!content) throw pageNotFound();
    const version = await ctx.confluence.writePageVersion({
      pageId,
      title: content.title,
      bodyStorage: content.bodyStorage,
      version: page.version + 1,
      message: `Restored approved version ${approved.pageVersion} (ApprovalFlow)`,
    });
    const hash = contentHash(content.title, content.bodyStorage);
    const staleness = deriveStaleness(latest, version, { currentHash: hash });
    const restored = auditEntry(caller, 'page.restored', page.spaceId, {
      pageId,
      pageVersion: version,
      workflowId: approved.workflowId,
      approvalId: approved.id,
      details: { restoredFrom: approved.pageVersion, previousVersion: page.version, contentHash: hash, hashAlg: 'v1' },
    });
    const base = [cacheHashOp(pageId, version, hash)];
    const transition = latest ? await transitionFor(ctx, caller, latest, version, staleness, hash) : undefined;
    try {
      await commitWithAudit(ctx, [...base, ...(transition?.ops ?? [])], [restored, ...(transition?.entries ?? [])]);
    } catch (err) {
      // the page-updated job recorded the transition first: the restore is still recorded
      if (!(transition && err instanceof StoreError && err.code === 'CONDITION_FAILED')) throw err;
      await commitWithAudit(ctx, base, [restored]);
    }
    return { pageId, version, restoredFrom: approved.pageVersion, written: true, staleness };
  },
});
