/** Creating a change set (SPEC 2.5): nothing is submitted; the id may be derived from an idempotent request. */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { ChangeSet, ChangeSetView } from '../../domain/model';
import { changeSetSchema, parseStored } from '../../domain/schemas';
import type { ChangeSetCreateInput } from '../types';
import type { EngineContext } from '../context';
import { auditEntry, commitWithAudit } from '../commit';
import { withRetry } from '../retry';
import { PageCache } from '../page-cache';
import { keys } from '../keys';
import { enrichOne } from './enrich';
import { validatePagesForCreate } from './pages';
import type { TxOp } from '../../ports/store';
import { asNew, indexOps, membershipOpsFor, writeMembership } from './store';
import { defineOperation } from '../operation';

export const createChangeSet = defineOperation({
  rights: 'Someone who can edit pages of the space (FORBIDDEN 403, audited).',
  async execute(ctx: EngineContext, caller: Caller, input: ChangeSetCreateInput, options: { requestToken?: string } = {}): Promise<ChangeSetView> {
    if (options.requestToken !== undefined && !/^[0-9a-f]{32}$/.test(options.requestToken)) {
      throw new DomainError('INVALID_REQUEST_TOKEN', 'The operation could not be completed.');
    }
    const pageIds = input.pageRefs.map((r) => r.pageId);
    const cache = new PageCache(ctx, caller.accountId);
    await validatePagesForCreate(ctx, caller, cache, input.spaceId, pageIds);
    const now = ctx.clock.now();
    const cs: ChangeSet = {
      ...(input.approvalMode === 'atomic' ? { approvalMode: 'atomic' as const } : {}),
      id: options.requestToken ? `cs_req_${options.requestToken}` : ctx.ids.next('cs'),
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
    const ops: TxOp[] = [{ op: 'put' as const, key: keys.changeSet(cs.id), value: cs }, ...indexOps(cs)].map(asNew);
    const createdEntry = auditEntry(caller, 'changeset.created', cs.spaceId, {
      changeSetId: cs.id,
      details: { title: cs.title, summary: cs.summary, ...(cs.referenceUrl ? { referenceUrl: cs.referenceUrl } : {}), pageCount: pageIds.length },
    });
    const membership = membershipOpsFor(cs, ops, [createdEntry]);
    const created = await withRetry(ctx, async () => {
      if (options.requestToken) {
        // A re-run of a request whose first run committed: hand back what it created, write nothing.
        const existing = await ctx.store.get(keys.changeSet(cs.id));
        if (existing) {
          const earlier = parseStored(changeSetSchema, existing.key, existing.value);
          if (earlier.createdBy !== caller.accountId) throw new DomainError('CHANGE_SET_EXISTS', 'This change set already exists.');
          return earlier;
        }
      }
      await commitWithAudit(ctx, [...ops, ...membership.ops], [createdEntry]);
      return cs;
    });
    // A large change set's membership follows its commit (this also completes a crashed first run's, whole).
    if (membership.follows) await writeMembership(ctx, created, created === cs ? { written: membership.inlined, fresh: true } : {});
    return enrichOne(ctx, created, cache);
  },
});
