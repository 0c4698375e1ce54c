/** Change sets (SPEC 2.5): CRUD, enrichment + roll-up, preflight and partial-success submit. */
import type { Caller } from '../domain/caller';
import { deriveReview } from '../lifecycle/review';
import { DomainError } from '../domain/errors';
import type { ErrorDetail } from '../domain/errors';
import { checkEligibility } from '../domain/eligibility';
import { derivePageState, rollUp } from '../domain/page-state';
import type { ChangeSet, ChangeSetPageView, ChangeSetView, PageApproval, PreflightResult, RollupState, SubmitResult } from '../domain/model';
import { changeSetSchema, parseStored, pendingLockSchema } from '../domain/schemas';
import { validateChangeSetFields } from '../domain/validation';
import { z } from 'zod';
import { STORE_LIMITS, type StoredItem, type TxOp } from '../ports/store';
import type { ChangeSetService } from './engine';
import type { EngineContext } from './context';
import { auditEntry, commitWithAudit, deny, getManyByKey, queryAll, withRetry } from './context';
import { keys } from './keys';
import { approverWarnings, preflightOf, submitOne } from './approvals';
import { PageCache, loadPageContext, parsePageState } from './page-context';
import type { PageContext } from './page-context';
import { notifySubmissions } from './notifications';
import type { AuditHeadHint } from '../audit';

const ROLLUP_STATES: RollupState[] = ['stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open'];

const notFound = (): DomainError => new DomainError('not_found', 'CHANGE_SET_NOT_FOUND', 'Change set not found.');
const archivedError = (): DomainError => new DomainError('conflict', 'CHANGE_SET_ARCHIVED', 'The change set is archived and read-only.');

/** Index copies of a change set; `previous` status decides which by-status copy to remove. */
function indexOps(cs: ChangeSet, previousStatus?: 'open' | 'archived'): TxOp[] {
  const ops: TxOp[] = [
    { op: 'put', key: keys.changeSetBySpace(cs.spaceId, cs.status, cs.createdAt, cs.id), value: cs },
    { op: 'put', key: keys.changeSetBySpace(cs.spaceId, 'all', cs.createdAt, cs.id), value: cs },
  ];
  if (previousStatus && previousStatus !== cs.status) {
    ops.push({ op: 'delete', key: keys.changeSetBySpace(cs.spaceId, previousStatus, cs.createdAt, cs.id) });
  }
  return ops;
}

/**
 * Page → change set membership (for the macro's "change sets of this page") cannot join the change
 * set's own transaction: 100 pages exceed 25 operations. So the change set commits together with an
 * "unindexed" marker, the membership entries follow in chunks, and the marker is cleared last. Readers
 * treat marked change sets as candidates too, so a crash in between never hides a membership.
 * Entries are only ever added (a removed page's entry is filtered out on read): concurrent updates
 * can then never delete an entry another update needs.
 */
function unindexedMarkerOp(cs: ChangeSet): TxOp {
  return { op: 'put', key: keys.changeSetUnindexed(cs.spaceId, cs.id), value: { changeSetId: cs.id, version: cs.version } };
}

const unindexedMarkerSchema = z.object({ changeSetId: z.string(), version: z.number().int() });
const membershipSchema = z.object({ changeSetId: z.string() });

export function createChangeSetService(ctx: EngineContext): ChangeSetService {
  const { store, confluence, clock, ids } = ctx;

  async function writeMembership(cs: ChangeSet): Promise<void> {
    try {
      const puts: TxOp[] = cs.pageRefs.map(({ pageId }) => ({ op: 'put', key: keys.changeSetOfPage(pageId, cs.id), value: { changeSetId: cs.id } }));
      for (let i = 0; i < puts.length; i += STORE_LIMITS.maxTransactionOps) await store.transact(puts.slice(i, i + STORE_LIMITS.maxTransactionOps));
      // Clear the marker only if no later version of the change set re-marked it meanwhile.
      const marker = await store.get(keys.changeSetUnindexed(cs.spaceId, cs.id));
      if (marker && parseStored(unindexedMarkerSchema, marker.key, marker.value).version === cs.version) {
        await store.transact([{ op: 'delete', key: marker.key, condition: { kind: 'version', version: marker.version } }]);
      }
    } catch {
      ctx.log('change set membership left for the marker to cover', { changeSetId: cs.id });
    }
  }

  async function load(changeSetId: string): Promise<{ item: StoredItem; cs: ChangeSet }> {
    const item = await store.get(keys.changeSet(changeSetId));
    if (!item) throw notFound();
    return { item, cs: parseStored(changeSetSchema, item.key, item.value) };
  }

  /**
   * Enrich change sets for a caller with ONE getPages for all their pages, parallel read checks,
   * and batched page-state reads. A page the caller cannot read shows as not_found (no data);
   * a change set none of whose pages the caller can read, and whose space the caller does not
   * administer, is invisible to them (treated as "cannot view the space").
   */
  async function enrich(caller: Caller, sets: ChangeSet[], cache: PageCache): Promise<(ChangeSetView | undefined)[]> {
    const pageIds = [...new Set(sets.flatMap((s) => s.pageRefs.map((r) => r.pageId)))];
    const [pages, states] = await Promise.all([cache.pages(pageIds), getManyByKey(store, pageIds.map(keys.pageState))]);
    const readable = await cache.readable(pageIds.filter((id) => pages.has(id)));
    const adminCache = new Map<string, Promise<boolean>>();
    const isAdmin = (spaceId: string): Promise<boolean> => {
      if (!adminCache.has(spaceId)) adminCache.set(spaceId, confluence.isSpaceAdmin(caller.accountId, spaceId));
      return adminCache.get(spaceId)!;
    };
    return Promise.all(
      sets.map(async (cs) => {
        const visible = cs.pageRefs.some((r) => readable.has(r.pageId)) || (await isAdmin(cs.spaceId));
        if (!visible) return undefined;
        const views = cs.pageRefs.map(({ pageId }): ChangeSetPageView => {
          const page = pages.get(pageId);
          if (!page || !readable.has(pageId)) {
            return { pageId, title: '', currentPageVersion: null, approvedAtVersion: null, isStale: false, versionDelta: 0, approvalStatus: 'not_found', approvalId: null, reviewState: null, reviewDueAt: null };
          }
          const latest: PageApproval | undefined = parsePageState(states.get(keys.pageState(pageId)));
          const derived = derivePageState(latest, page.version);
          return {
            pageId,
            title: page.title,
            currentPageVersion: page.version,
            approvedAtVersion: derived.approvedAtVersion,
            isStale: derived.isStale,
            versionDelta: derived.versionDelta,
            approvalStatus: derived.state,
            approvalId: latest?.id ?? null,
            ...deriveReview(latest, ctx.clock.now()),
          };
        });
        return { ...cs, rollupState: rollUp(views), pages: views };
      }),
    );
  }

  async function visibleView(caller: Caller, cs: ChangeSet, cache: PageCache): Promise<ChangeSetView> {
    const [view] = await enrich(caller, [cs], cache);
    if (!view) throw notFound();
    return view;
  }

  /** Pages must exist, be readable by the caller (else PAGE_NOT_FOUND, 404) and be in the space (else WRONG_SPACE, 400). */
  async function validatePages(cache: PageCache, spaceId: string, pageIds: string[]): Promise<void> {
    const pages = await cache.pages(pageIds);
    const readable = await cache.readable(pageIds.filter((id) => pages.has(id)));
    const missing = pageIds.filter((id) => !readable.has(id) || pages.get(id)!.status === 'trashed' || pages.get(id)!.status === 'deleted');
    if (missing.length > 0) {
      throw new DomainError(
        'not_found',
        'PAGE_NOT_FOUND',
        `Page not found: ${missing.join(', ')}.`,
        missing.map((pageId): ErrorDetail => ({ field: 'pageRefs', code: 'PAGE_NOT_FOUND', reason: `page ${pageId} not found` })),
      );
    }
    const wrong = pageIds.filter((id) => pages.get(id)!.spaceId !== spaceId);
    if (wrong.length > 0) {
      throw new DomainError(
        'invalid',
        'WRONG_SPACE',
        `Pages not in space ${spaceId}: ${wrong.join(', ')}.`,
        wrong.map((pageId): ErrorDetail => ({ field: 'pageRefs', code: 'WRONG_SPACE', reason: `page ${pageId} is not in space ${spaceId}` })),
      );
    }
  }

  /** Creator or space admin may change a change set. */
  async function requireManage(caller: Caller, cs: ChangeSet, operation: string): Promise<void> {
    if (cs.createdBy === caller.accountId || (await confluence.isSpaceAdmin(caller.accountId, cs.spaceId))) return;
    await deny(ctx, caller, new DomainError('forbidden', 'FORBIDDEN', 'Only the creator or a space admin can change this change set.'), cs.spaceId, {
      operation,
      changeSetId: cs.id,
    });
  }

  /**
   * The common start of preflight and submit: load, gather the eligibility inputs of all pages in
   * one batch, then check visibility (same rule as enrich) and state.
   */
  async function loadForSubmission(caller: Caller, changeSetId: string): Promise<{ item: StoredItem; cs: ChangeSet; context: PageContext }> {
    const { item, cs } = await load(changeSetId);
    const context = await loadPageContext(ctx, caller, cs.pageRefs.map((r) => r.pageId), { expectedSpaceId: cs.spaceId });
    const visible = [...context.inputs.values()].some((i) => i.page && i.canRead) || (await confluence.isSpaceAdmin(caller.accountId, cs.spaceId));
    if (!visible) throw notFound();
    if (cs.status === 'archived') throw archivedError();
    return { item, cs, context };
  }

  return {
    async list(caller, query) {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
      if (query.rollupState !== undefined && !ROLLUP_STATES.includes(query.rollupState as RollupState)) {
        throw new DomainError('invalid', 'VALIDATION_FAILED', 'Unknown rollupState.', [{ field: 'rollupState', code: 'ENUM', reason: `one of ${ROLLUP_STATES.join(', ')}` }]);
      }
      const page = await store.query({
        prefix: keys.changeSetBySpacePrefix(query.spaceId, query.status ?? 'all'),
        order: 'desc',
        limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      const sets = page.items.map((i) => parseStored(changeSetSchema, i.key, i.value));
      const views = (await enrich(caller, sets, new PageCache(ctx, caller.accountId))).filter((v): v is ChangeSetView => v !== undefined);
      const items = query.rollupState ? views.filter((v) => v.rollupState === query.rollupState) : views;
      return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },

    async get(caller, changeSetId) {
      return visibleView(caller, (await load(changeSetId)).cs, new PageCache(ctx, caller.accountId));
    },

    async create(caller, input, options = {}) {
      validateChangeSetFields(input);
      if (options.requestToken !== undefined && !/^[0-9a-f]{32}$/.test(options.requestToken)) {
        throw new DomainError('internal', 'INVALID_REQUEST_TOKEN', 'The operation could not be completed.');
      }
      const pageIds = input.pageRefs.map((r) => r.pageId);
      const cache = new PageCache(ctx, caller.accountId);
      await validatePages(cache, input.spaceId, pageIds);
      const now = clock.now();
      const cs: ChangeSet = {
        id: options.requestToken ? `cs_req_${options.requestToken}` : ids.next('cs'),
        spaceId: input.spaceId,
        title: input.title.trim(),
        summary: input.summary ?? '',
        ...(input.referenceUrl !== undefined ? { referenceUrl: input.referenceUrl } : {}),
        pageRefs: pageIds.map((pageId) => ({ pageId })),
        status: 'open',
        createdAt: now,
        createdBy: caller.accountId,
        updatedAt: now,
        updatedBy: caller.accountId,
        version: 1,
      };
      const created = await withRetry(ctx, async () => {
        if (options.requestToken) {
          // A re-run of a request whose first run committed: hand back what it created, write nothing.
          const existing = await store.get(keys.changeSet(cs.id));
          if (existing) {
            const earlier = parseStored(changeSetSchema, existing.key, existing.value);
            if (earlier.createdBy !== caller.accountId) throw new DomainError('conflict', 'CHANGE_SET_EXISTS', 'This change set already exists.');
            return earlier;
          }
        }
        await commitWithAudit(ctx, [{ op: 'put', key: keys.changeSet(cs.id), value: cs, condition: { kind: 'absent' } }, ...indexOps(cs), unindexedMarkerOp(cs)], [
          auditEntry(caller, 'changeset.created', cs.spaceId, {
            changeSetId: cs.id,
            details: { title: cs.title, summary: cs.summary, ...(cs.referenceUrl ? { referenceUrl: cs.referenceUrl } : {}), pageCount: pageIds.length },
          }),
        ]);
        return cs;
      });
      // Also completes the membership of a first run that crashed before writing it.
      await writeMembership(created);
      return visibleView(caller, created, cache);
    },

    async update(caller, changeSetId, input) {
      validateChangeSetFields(input);
      const cache = new PageCache(ctx, caller.accountId);
      const updated = await withRetry(ctx, async () => {
        const { item, cs } = await load(changeSetId);
        // one getPages for the old and the new pages
        await cache.pages([...cs.pageRefs.map((r) => r.pageId), ...(input.pageRefs ?? []).map((r) => r.pageId)]);
        await visibleView(caller, cs, cache);
        await requireManage(caller, cs, 'changeset.update');
        if (cs.status === 'archived') throw archivedError();
        if (input.expectedVersion !== undefined && input.expectedVersion !== cs.version) {
          throw new DomainError('conflict', 'VERSION_CONFLICT', `The change set is at version ${cs.version}, not ${input.expectedVersion}.`, [
            { field: 'expectedVersion', code: 'VERSION_CONFLICT', reason: `current version is ${cs.version}` },
          ]);
        }
        if (input.pageRefs) await validatePages(cache, cs.spaceId, input.pageRefs.map((r) => r.pageId));
        const next: ChangeSet = {
          ...cs,
          ...(input.title !== undefined ? { title: input.title.trim() } : {}),
          ...(input.summary !== undefined ? { summary: input.summary } : {}),
          ...(input.referenceUrl !== undefined ? { referenceUrl: input.referenceUrl } : {}),
          ...(input.pageRefs ? { pageRefs: input.pageRefs.map((r) => ({ pageId: r.pageId })) } : {}),
          updatedAt: clock.now(),
          updatedBy: caller.accountId,
          version: cs.version + 1,
        };
        const fields = (['title', 'summary', 'referenceUrl', 'pageRefs'] as const).filter((f) => input[f] !== undefined);
        const membershipOps = input.pageRefs ? [unindexedMarkerOp(next)] : [];
        await commitWithAudit(ctx, [{ op: 'put', key: item.key, value: next, condition: { kind: 'version', version: item.version } }, ...indexOps(next), ...membershipOps], [
          auditEntry(caller, 'changeset.updated', next.spaceId, {
            changeSetId,
            details: { title: next.title, summary: next.summary, ...(next.referenceUrl ? { referenceUrl: next.referenceUrl } : {}), fields, version: next.version },
          }),
        ]);
        return next;
      });
      if (input.pageRefs) await writeMembership(updated);
      return visibleView(caller, updated, cache);
    },

    async archive(caller, changeSetId) {
      const cache = new PageCache(ctx, caller.accountId);
      const archived = await withRetry(ctx, async () => {
        const { item, cs } = await load(changeSetId);
        await visibleView(caller, cs, cache);
        await requireManage(caller, cs, 'changeset.archive');
        if (cs.status === 'archived') throw archivedError();
        const locks = await getManyByKey(store, cs.pageRefs.map((r) => keys.pagePending(r.pageId)));
        const pendingHere = [...locks.values()].filter((l) => parseStored(pendingLockSchema, l.key, l.value).changeSetId === cs.id);
        if (pendingHere.length > 0) {
          throw new DomainError('conflict', 'CHANGE_SET_HAS_PENDING', 'Pages submitted through this change set are still pending; it cannot be archived yet.');
        }
        const next: ChangeSet = { ...cs, status: 'archived', updatedAt: clock.now(), updatedBy: caller.accountId, version: cs.version + 1 };
        // The version condition also fails if a submit through this change set committed meanwhile (submit touches the record).
        await commitWithAudit(ctx, [{ op: 'put', key: item.key, value: next, condition: { kind: 'version', version: item.version } }, ...indexOps(next, cs.status)], [
          auditEntry(caller, 'changeset.archived', next.spaceId, { changeSetId, details: { title: next.title } }),
        ]);
        return next;
      });
      return visibleView(caller, archived, cache);
    },

    async preflight(caller, changeSetId) {
      const { cs, context } = await loadForSubmission(caller, changeSetId);
      const pageIds = cs.pageRefs.map((r) => r.pageId);
      const outcomes = pageIds.map((pageId) => ({ pageId, result: checkEligibility(context.inputs.get(pageId)!) }));
      const okItems = outcomes.flatMap(({ pageId, result }) => (result.ok ? [{ pageId, workflow: result.workflow }] : []));
      const warnings = await approverWarnings(ctx, okItems, context.groupMembers);
      const results: PreflightResult[] = outcomes.map(({ pageId, result }) => preflightOf(pageId, result, warnings.get(pageId)));
      const submittable = results.filter((r) => r.canSubmit).length;
      return { summary: { total: results.length, submittable, blocked: results.length - submittable }, results };
    },

    async submit(caller, changeSetId) {
      const { item, cs, context } = await loadForSubmission(caller, changeSetId);
      const pageIds = cs.pageRefs.map((r) => r.pageId);
      const results: SubmitResult[] = [];
      const submitted: { approval: PageApproval; changeSet: ChangeSet }[] = [];
      let csItem: StoredItem = item;
      let auditHead: AuditHeadHint | undefined;
      // Sequential on purpose: every page transaction touches the change set and the audit head, so
      // each commit hands both versions to the next one instead of re-reading them.
      for (const pageId of pageIds) {
        const input = context.inputs.get(pageId)!;
        const prior = checkEligibility(input);
        if (!prior.ok) {
          results.push({ pageId, success: false, code: prior.code, reason: prior.reason, ...(prior.workflowId ? { workflowId: prior.workflowId } : {}) });
          continue;
        }
        const outcome = await submitOne(ctx, caller, input, context.pageStateItems.get(pageId), csItem, auditHead);
        if (outcome.ok) {
          auditHead = outcome.auditHead;
          results.push({ pageId, success: true, workflowId: outcome.approval.workflowId, approvalId: outcome.approval.id });
          submitted.push({ approval: outcome.approval, changeSet: outcome.changeSet! });
          csItem = outcome.changeSetItem!;
        } else {
          results.push({ pageId, success: false, code: outcome.code, reason: outcome.reason, ...(outcome.workflowId ? { workflowId: outcome.workflowId } : {}) });
        }
      }
      const submittedCount = submitted.length;
      const skippedCount = results.length - submittedCount;
      let knownHead = auditHead;
      await withRetry(ctx, () => {
        const hint = knownHead;
        knownHead = undefined; // a retry reads the head afresh
        return commitWithAudit(
          ctx,
          [],
          [
            auditEntry(caller, 'changeset.submitted', cs.spaceId, {
              changeSetId,
              details: { title: cs.title, summary: cs.summary, ...(cs.referenceUrl ? { referenceUrl: cs.referenceUrl } : {}), submittedCount, skippedCount },
            }),
          ],
          hint,
        );
      });
      await notifySubmissions(ctx, submitted);
      return { submittedCount, skippedCount, results };
    },

    async forPage(caller, pageId) {
      const cache = new PageCache(ctx, caller.accountId);
      const page = (await cache.pages([pageId])).get(pageId);
      if (!page || !(await cache.readable([pageId])).has(pageId)) {
        throw new DomainError('not_found', 'PAGE_NOT_FOUND', 'Page not found.');
      }
      // Candidates: the page's membership entries plus change sets still being indexed (see writeMembership).
      const [members, unindexed] = await Promise.all([
        queryAll(store, keys.changeSetOfPagePrefix(pageId)),
        queryAll(store, keys.changeSetUnindexedPrefix(page.spaceId)),
      ]);
      const candidateIds = [
        ...new Set([
          ...members.map((i) => parseStored(membershipSchema, i.key, i.value).changeSetId),
          ...unindexed.map((i) => parseStored(unindexedMarkerSchema, i.key, i.value).changeSetId),
        ]),
      ];
      const records = await getManyByKey(store, candidateIds.map(keys.changeSet));
      const sets = [...records.values()]
        .map((i) => parseStored(changeSetSchema, i.key, i.value))
        .filter((cs) => cs.pageRefs.some((r) => r.pageId === pageId))
        .sort((a, b) => b.createdAt - a.createdAt);
      const views = await enrich(caller, sets, cache);
      return views.filter((v): v is ChangeSetView => v !== undefined);
    },
  };
}
