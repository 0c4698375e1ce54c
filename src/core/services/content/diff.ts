/**
 * "Changes since approval" (SPEC 2.4a): a text-line diff of two versions of a page, both read as
 * the caller. Storage is turned into text lines first (never HTML out), each side capped at 1 MB of
 * text and the result at 2,000 hunks. A page the caller cannot see is PAGE_NOT_FOUND, like a missing one.
 */
import { DIFF_LIMITS } from '../../domain/limits';
import type { Caller } from '../../domain/caller';
import { storageToText } from '../../domain/content-hash';
import { DomainError } from '../../domain/errors';
import { diffLines, type LineDiff } from '../../domain/line-diff';
import type { EngineContext } from '../context';
import { defineOperation } from '../operation';
import { PageCache, pageNotFound } from '../page-cache';
import { lastApproved } from './last-approved';


export interface PageDiffRange {
  from?: number | 'lastApproved';
  to?: number | 'current';
}

export interface PageDiff {
  pageId: string;
  from: number;
  to: number;
  fromTitle: string;
  toTitle: string;
  /** Confluence's own compare view, relative to the site's /wiki */
  nativeCompareUrl: string;
  diff: { format: 'text-lines' } & LineDiff;
  /** NO_APPROVED_VERSION: the page was never approved, so `from` is the version before `to` */
  reason?: 'NO_APPROVED_VERSION';
}

/** SPEC 3: the details name the field the message is about. */
const badRange = (field: 'from' | 'to', reason: string): DomainError => new DomainError('INVALID_VERSION_RANGE', `The version range is not valid: ${reason}.`, [{ field, code: 'RANGE', reason }]);

export function nativeCompareUrl(pageId: string, from: number, to: number): string {
  return `/wiki/pages/diffpagesbyversion.action?pageId=${encodeURIComponent(pageId)}&originalVersion=${from}&revisedVersion=${to}`;
}

/** Lines up to the byte cap; `cut` when some were left out. */
function capped(lines: string[]): { lines: string[]; cut: boolean } {
  let bytes = 0;
  for (let i = 0; i < lines.length; i++) {
    bytes += Buffer.byteLength(lines[i]!, 'utf8') + 1;
    if (bytes > DIFF_LIMITS.maxTextBytesPerSide) return { lines: lines.slice(0, i), cut: true };
  }
  return { lines, cut: false };
}

export const pageDiff = defineOperation({
  rights: 'Anyone who can view the page; both versions are read as the caller; a page they cannot see is PAGE_NOT_FOUND like a missing one.',
  async execute(ctx: EngineContext, caller: Caller, pageId: string, range: PageDiffRange): Promise<PageDiff> {
    const page = await new PageCache(ctx, caller.accountId).visiblePage(caller, pageId, 'page.diff');
    const to = range.to === undefined || range.to === 'current' ? page.version : range.to;
    if (to < 1 || to > page.version) throw badRange('to', `'to' must be a version in 1..${page.version}`);
    let from: number;
    let reason: PageDiff['reason'];
    if (range.from === undefined || range.from === 'lastApproved') {
      const approved = await lastApproved(ctx, pageId);
      if (approved) from = Math.min(approved.pageVersion, to);
      else {
        if (to === 1) throw new DomainError('NO_APPROVED_VERSION', 'This page has no approved version and no earlier version to compare with.');
        from = to - 1;
        reason = 'NO_APPROVED_VERSION';
      }
    } else {
      from = range.from;
      if (from < 1 || from >= to) throw badRange('from', `'from' must be a version in 1..${to - 1}`);
    }
    const [before, after] = await Promise.all([ctx.confluence.getPageContent(pageId, from), ctx.confluence.getPageContent(pageId, to)]);
    if (!before || !after) throw pageNotFound();
    const oldSide = capped(storageToText(before.bodyStorage));
    const newSide = capped(storageToText(after.bodyStorage));
    const diff = diffLines(oldSide.lines, newSide.lines, DIFF_LIMITS.maxHunks);
    return {
      pageId,
      from,
      to,
      fromTitle: before.title,
      toTitle: after.title,
      nativeCompareUrl: nativeCompareUrl(pageId, from, to),
      diff: { format: 'text-lines', hunks: diff.hunks, truncated: diff.truncated || oldSide.cut || newSide.cut },
      ...(reason ? { reason } : {}),
    };
  },
});
