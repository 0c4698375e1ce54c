/**
 * `changeset.rollup_changed` for per-page change sets (SPEC 3a, audit B3). Their roll-up (SPEC 2.5) is
 * computed from their pages' states and changes only when a page of them moves, so after every commit
 * that moves pages through a set (commit.ts, rollup-jobs.ts) one `changeset.rollup`
 * job looks at the open per-page sets that list those pages (the page → change set membership entries),
 * computes each one's roll-up as RECORDED (page states, set pointers and staleness marks: what the
 * approval events already said, no Confluence call) and, when it differs from the set's last published
 * one (`cs-rollup:<id>`, absent = `open`), writes the new one with its record in one transaction
 * conditioned on the old. Lazy (after the commit, not in its transaction): docs/decisions.md, x-feed.
 */
import { z } from 'zod';
import { SYSTEM_ACTOR } from '../../domain/caller';
import type { ChangeSet, RollupState } from '../../domain/model';
import { derivePageState, rollUp } from '../../domain/page-state';
import { changeSetSchema, parseStored } from '../../domain/schemas';
import { STORE_LIMITS } from '../../ports/store';
import { auditEntry } from '../commit';
import type { EngineContext } from '../context';
import { keys } from '../keys';
import { parsePageState } from '../page-context';
import { withRetry } from '../retry';
import { getManyByKey } from '../store-reads';
import { DISPLAY, loadPointedSets, resolveLatest, setOf } from './atomic/resolve';
import { membershipSchema } from './store';

const rollupMarkSchema = z.object({ rollupState: z.string() }).strict();
const staleMarkSchema = z.object({ stale: z.boolean() }).passthrough();

/** The open per-page change sets listing these pages: the named ones and the newest 100 of each page's membership entries. */
async function perPageSetsOf(ctx: EngineContext, pageIds: string[], named: string[]): Promise<ChangeSet[]> {
  const pages = await Promise.all(pageIds.map((pageId) => ctx.store.query({ prefix: keys.changeSetOfPagePrefix(pageId), order: 'desc', limit: STORE_LIMITS.maxQueryLimit })));
  const ids = new Set([...named, ...pages.flatMap((p) => p.items.map((i) => parseStored(membershipSchema, i.key, i.value).changeSetId))]);
  const sets = [...(await getManyByKey(ctx.store, [...ids].map(keys.changeSet))).values()].map((i) => parseStored(changeSetSchema, i.key, i.value));
  return sets.filter((cs) => cs.status === 'open' && cs.approvalMode !== 'atomic' && (named.includes(cs.id) || cs.pageRefs.some((r) => pageIds.includes(r.pageId))));
}

/** The set's roll-up as the pages' recorded states say it: an approved page is stale when its approval's staleness mark says so. */
async function recordedRollup(ctx: EngineContext, cs: ChangeSet): Promise<RollupState> {
  const pageIds = cs.pageRefs.map((r) => r.pageId);
  const items = await getManyByKey(ctx.store, pageIds.flatMap((id) => [keys.pageState(id), keys.setMember(id)]));
  const pointed = await loadPointedSets(ctx, pageIds.map((id) => items.get(keys.setMember(id))));
  const now = ctx.clock.now();
  const latest = pageIds.map((id) => resolveLatest(parsePageState(items.get(keys.pageState(id))), setOf(items.get(keys.setMember(id)), pointed), id, now, DISPLAY).latest);
  const approved = latest.flatMap((l) => (l?.status === 'approved' ? [l.id] : []));
  const marks = await getManyByKey(ctx.store, approved.map(keys.stalenessMark));
  const staleIds = new Set(approved.filter((id) => staleMarkSchema.safeParse(marks.get(keys.stalenessMark(id))?.value).data?.stale === true));
  return rollUp(latest.map((l) => ({ approvalStatus: derivePageState(l, l?.pageVersion ?? 1).state, isStale: l !== undefined && staleIds.has(l.id) })));
}

/** Publish the set's roll-up if it changed since last published; a racing job's write makes this one compute again. */
async function publishIfChanged(ctx: EngineContext, cs: ChangeSet): Promise<void> {
  await withRetry(ctx, async () => {
    const [mark, rollupState] = await Promise.all([ctx.store.get(keys.changeSetRollup(cs.id)), recordedRollup(ctx, cs)]);
    const previous = rollupMarkSchema.safeParse(mark?.value).data?.rollupState ?? 'open';
    if (previous === rollupState) return;
    const entry = auditEntry(SYSTEM_ACTOR, 'changeset.rollup_changed', cs.spaceId, { changeSetId: cs.id, details: { rollupState, previousRollupState: previous } });
    await ctx.store.transact([
      { op: 'put', key: keys.changeSetRollup(cs.id), value: { rollupState }, condition: mark ? { kind: 'version', version: mark.version } : { kind: 'absent' } },
      ...ctx.audit.prepareAppend([entry]),
    ]);
  });
}

/** The `changeset.rollup` job: each open per-page set listing one of these pages publishes its roll-up change (a failure fails the job: the queue redelivers it). */
export async function publishRollupChanges(ctx: EngineContext, pageIds: string[], changeSetIds: string[]): Promise<void> {
  for (const cs of await perPageSetsOf(ctx, pageIds, changeSetIds)) await publishIfChanged(ctx, cs);
}
