/**
 * `analytics.export`: the Analytics tab's numbers and the approvals behind them as CSV or HTML, with
 * readable names (core/analytics/export.ts renders). The rows come from the space's audit trail, so
 * only callers who may read it (space admins, site admins) can export; names are looked up as the
 * caller (page titles only of pages the caller can read).
 */
import { analyticsCsv, analyticsHtml, type AnalyticsReport } from '../../core/analytics/export';
import type { ApprovalRow } from '../../core/analytics/summary';
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { Engine } from '../../core/services/engine';
import { gatherAnalytics, type AnalyticsInput } from './analytics';

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function readableNames(engine: Engine, caller: Caller, rows: ApprovalRow[]): Promise<{ people: Map<string, string>; pages: Map<string, string> }> {
  const people = [...new Set(rows.flatMap((r) => [r.submittedBy, r.outcome?.by]).filter((id): id is string => id !== undefined))];
  const pages = [...new Set(rows.map((r) => r.pageId).filter((id): id is string => id !== undefined))];
  const [names, titles] = await Promise.all([
    Promise.all(chunks(people, L.peopleLookup.max).map((ids) => engine.people.displayNames(caller, ids))),
    Promise.all(chunks(pages, L.listPage.max).map((ids) => engine.capabilities.pageTitles(caller, ids))),
  ]);
  return {
    people: new Map(names.flatMap((n) => Object.entries(n))),
    pages: new Map(titles.flatMap((t) => Object.entries(t).map(([id, p]) => [id, p.title] as const))),
  };
}

export async function analyticsExport(engine: Engine, caller: Caller, spaceId: string, input: AnalyticsInput & { format: 'csv' | 'html' }, now: number): Promise<{ format: 'csv' | 'html'; content: string }> {
  const data = await gatherAnalytics(engine, caller, spaceId, input, now);
  if (data.rows === null) throw new DomainError('FORBIDDEN', 'Only space admins and site admins can export the approval history of this space.');
  const [{ people, pages }, spaces] = await Promise.all([readableNames(engine, caller, data.rows), engine.capabilities.spaceNames(caller, [spaceId])]);
  const counts = data.summary.counts;
  const workflowId = data.range.filter.workflowId;
  const report: AnalyticsReport = {
    spaceName: spaces[spaceId]?.name ?? spaceId,
    from: data.range.from,
    to: data.range.to,
    ...(workflowId ? { workflowName: data.names.get(workflowId) ?? workflowId } : {}),
    cards: {
      total: counts.submitted,
      inApproval: data.inApproval,
      approved: counts.approved,
      changesRequested: counts.rejected,
      cancelled: counts.cancelled,
      due: data.review.due,
      expired: data.review.expired,
    },
    summary: data.summary,
    rows: data.rows,
    names: { people, pages, workflows: data.names },
  };
  return { format: input.format, content: input.format === 'csv' ? analyticsCsv(report) : analyticsHtml(report) };
}
