/**
 * Request-scoped view of what Confluence says about pages for one caller, and the one rule for
 * "a page this caller may address": it exists, is not trashed, and the caller can read it.
 */
import { INSTALLATION_SPACE } from '../audit';
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { tooManyConfluenceCalls } from '../domain/call-limit';
import type { PageInfo, PageRead } from '../ports/confluence';
import type { EngineContext } from './context';
import { denial } from './denials';

export const pageNotFound = (): DomainError => new DomainError('PAGE_NOT_FOUND', 'Page not found.');

/**
 * Request-scoped cache of what Confluence said about pages, so one request asks getPages once for
 * the ids it needs (the first call should name them all) and each permission at most once.
 * Permission checks run in parallel; "read" is only asked when "update" was refused (an editor can read);
 * "update" is not asked where the batched read made as the caller stated it (U24).
 */
export class PageCache {
  private readonly info = new Map<string, PageInfo | undefined>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly read = new Map<string, boolean>();
  private readonly edit = new Map<string, boolean>();
  private readonly editing = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly accountId: string,
  ) {}

  /** getPages reads as this cache's caller, so what it says about the reader is said about them. */
  private get readsAsCaller(): boolean {
    return this.ctx.confluence.readerAccountId === this.accountId;
  }

  async pages(pageIds: string[]): Promise<Map<string, PageInfo>> {
    const unique = [...new Set(pageIds)];
    const missing = unique.filter((id) => !this.info.has(id) && !this.reading.has(id));
    if (missing.length > 0) {
      // shared by every caller asking for these ids before it answers (the edit checks wait on it)
      const read = this.ctx.confluence.getPages(missing).then(
        (got) => {
          for (const id of missing) this.keep(id, got.get(id));
        },
        (error: unknown) => {
          // a failed read is not kept: whoever waits on it fails, a later call for these ids asks again
          for (const id of missing) this.reading.delete(id);
          throw error;
        },
      );
      for (const id of missing) this.reading.set(id, read);
    }
    await Promise.all(unique.flatMap((id) => this.reading.get(id) ?? []));
    const out = new Map<string, PageInfo>();
    for (const id of pageIds) {
      const page = this.info.get(id);
      if (page) out.set(id, page);
    }
    return out;
  }

  /** The page without the read's statement about the reader, which is kept only when the reader is the caller. */
  private keep(id: string, page: PageRead | undefined): void {
    if (!page) return void this.info.set(id, undefined);
    const { editable, ...info } = page;
    this.info.set(id, info);
    if (editable !== undefined && this.readsAsCaller && !this.edit.has(id)) this.edit.set(id, editable);
  }

  /**
   * Which of these pages the caller can read, in O(⌈P/250⌉) Confluence calls, never one per page
   * where a batched read answers (issue 23): when getPages already reads as the caller, the pages it
   * returned ARE the visible ones; else one batched read as the caller (drafts, never listed, get
   * their own check); only where the app cannot act as the caller, one permission check per page.
   */
  async readable(pageIds: string[]): Promise<Set<string>> {
    const unknown = [...new Set(pageIds)].filter((id) => !this.read.has(id) && !this.edit.get(id));
    if (unknown.length > 0) for (const [id, allowed] of await this.askReadable(unknown)) this.read.set(id, allowed);
    return new Set(pageIds.filter((id) => this.edit.get(id) || this.read.get(id)));
  }

  private async askReadable(pageIds: string[]): Promise<Array<readonly [string, boolean]>> {
    if (this.readsAsCaller) {
      const shown = await this.pages(pageIds);
      return pageIds.map((id) => [id, shown.has(id)] as const);
    }
    const batched = await this.ctx.confluence.pagesReadableBy(this.accountId, pageIds);
    const drafts = batched ? pageIds.filter((id) => !batched.has(id) && this.info.get(id)?.status === 'draft') : pageIds;
    const checked = await Promise.all(drafts.map(async (id) => [id, await this.ctx.confluence.checkPagePermission(this.accountId, id, 'read')] as const));
    const checkedOk = new Set(checked.filter(([, ok]) => ok).map(([id]) => id));
    return pageIds.map((id) => [id, Boolean(batched?.has(id)) || checkedOk.has(id)] as const);
  }

  /**
   * The page, if the caller may address it. Pages are read as the caller (SPEC §4), so a page they
   * cannot see and a missing one look the same, by design: both get 404 PAGE_NOT_FOUND and an
   * access.denied record (filed under the installation when the page's space is not known to them).
   */
  async visiblePage(caller: Caller, pageId: string, operation: string): Promise<PageInfo> {
    const page = (await this.pages([pageId])).get(pageId);
    if (!page) throw await denial(this.ctx, caller, pageNotFound(), INSTALLATION_SPACE, { operation, pageId });
    if (page.status === 'trashed' || page.status === 'deleted') throw pageNotFound();
    if (!(await this.readable([pageId])).has(pageId)) {
      throw await denial(this.ctx, caller, pageNotFound(), page.spaceId, { operation, pageId });
    }
    return page;
  }

  /**
   * Starts the edit checks of these pages not asked yet, e.g. while their batched read is still in
   * flight (issue 23: the checks are most of a 100-page submit's time); permissions() waits for them.
   * Where that read states the caller's operations (U24), a page is checked only if it left it unstated.
   */
  startEditChecks(pageIds: string[]): void {
    const fresh = [...new Set(pageIds)].filter((id) => !this.edit.has(id) && !this.editing.has(id));
    if (fresh.length === 0) return;
    const stated = this.ctx.confluence.pageReadsStateEdit && this.readsAsCaller ? this.pages(fresh) : undefined;
    for (const id of fresh) {
      const check = (async () => {
        if (stated) await stated;
        if (!this.edit.has(id)) this.edit.set(id, await this.ctx.confluence.checkPagePermission(this.accountId, id, 'update'));
      })();
      // handled here so a failure while nobody waits yet is not an unhandled rejection; permissions() still sees it
      check.catch(() => undefined);
      this.editing.set(id, check);
    }
  }

  /**
   * U25: refuses with TOO_MANY_CONFLUENCE_CALLS, before any call, when even the fewest calls
   * reading these pages and the caller's edit right on each takes (the batched read, one edit check
   * per page it does not state) are more than the invocation may still make. Approvers, groups and
   * routing come on top; the call gate refuses those past the cap.
   */
  requireCallsFor(pageIds: string[], what: string): void {
    const left = this.ctx.confluence.callsLeft();
    if (left === undefined) return;
    const ids = [...new Set(pageIds)];
    const read = ids.some((id) => !this.info.has(id) && !this.reading.has(id)) ? 1 : 0;
    const stated = this.ctx.confluence.pageReadsStateEdit && this.readsAsCaller;
    const checks = stated ? 0 : ids.filter((id) => !this.edit.has(id) && !this.editing.has(id)).length;
    if (read + checks > left) throw tooManyConfluenceCalls({ needed: read + checks, left, what });
  }

  async permissions(pageIds: string[]): Promise<{ canRead: Set<string>; canEdit: Set<string> }> {
    this.startEditChecks(pageIds);
    await Promise.all(pageIds.flatMap((id) => this.editing.get(id) ?? []));
    const canRead = await this.readable(pageIds);
    return { canRead, canEdit: new Set(pageIds.filter((id) => this.edit.get(id))) };
  }
}

