/**
 * Space analytics (issue 11 item 7) computed from what the engine lets the caller read: the pending
 * queue, the due/expired review queue, the open change sets and the space's audit records of the
 * chosen range. Every read goes through the engine with the caller's identity, so analytics never
 * show more than the caller may see; when the audit trail is refused, only the queue, review and
 * change-set counts are returned (auditAvailable: false, outcome cards null).
 */
import { approvalRows, summarizeRows, utcDay, DAY_MS, type AnalyticsFilter, type ApprovalRow, type ApprovalSummary } from '../../core/analytics/summary';
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { AuditRecord } from '../../core/domain/model';
import type { Engine, ResultPage } from '../../core/services/engine';
import type { AnalyticsSummary } from './contract';

/** The range when none is given: the last 30 days, today included. */
export const DEFAULT_WINDOW_DAYS = 30;
/** At most one year and a day per request: bounds the trend and the records one invocation reads. */
export const ANALYTICS_MAX_DAYS = 366;
/** Bounds the work of one invocation (Forge: 25 s): 50 pages × 100 records. */
const MAX_PAGES = 50;

export interface AnalyticsInput {
  from?: string;
  to?: string;
  workflowId?: string;
}

export interface AnalyticsRange {
  from: string;
  to: string;
  filter: AnalyticsFilter;
}

async function collect<T>(fetchPage: (cursor?: string) => Promise<ResultPage<T>>): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.nextCursor) return { items, truncated: false };
    cursor = page.nextCursor;
  }
  return { items, truncated: true };
}

const rangeError = (reason: string) =>
  new DomainError('INVALID_REQUEST', 'The request is invalid; see details for each field.', [{ field: 'to', code: 'INVALID_VALUE', reason }]);

/** Inclusive UTC dates → the filter in ms; defaults to the last DEFAULT_WINDOW_DAYS days up to today. */
export function resolveRange(input: AnalyticsInput, now: number): AnalyticsRange {
  const to = input.to ?? utcDay(now);
  const from = input.from ?? utcDay(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_WINDOW_DAYS - 1) * DAY_MS);
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS - 1;
  if (start > end) throw rangeError('"from" must not be after "to"');
  if (end - start >= ANALYTICS_MAX_DAYS * DAY_MS) throw rangeError(`the range is at most ${ANALYTICS_MAX_DAYS} days`);
  return { from, to, filter: { from: start, to: end, ...(input.workflowId ? { workflowId: input.workflowId } : {}) } };
}

/**
 * The space's audit records of the range, or null when the caller may not read them: asked first, so
 * a non-admin opening the panel (a normal view with fewer figures) is not recorded as a refusal.
 */
export async function readAudit(engine: Engine, caller: Caller, spaceId: string, filter: AnalyticsFilter): Promise<{ items: AuditRecord[]; truncated: boolean } | null> {
  const auditFilter = { spaceId, from: filter.from, to: filter.to };
  if (!(await engine.audit.canList(caller, auditFilter))) return null;
  return collect((cursor) => engine.audit.list(caller, auditFilter, { cursor, limit: 100 }));
}

/** Workflow names by id: the space's workflows (those the caller can list). */
export async function workflowNames(engine: Engine, caller: Caller, spaceId: string): Promise<Map<string, string>> {
  const workflows = await engine.workflows.list(caller, spaceId);
  return new Map(workflows.map((w) => [w.id, w.name]));
}

export interface AnalyticsData {
  range: AnalyticsRange;
  names: Map<string, string>;
  rows: ApprovalRow[] | null;
  summary: ApprovalSummary;
  truncated: boolean;
  inApproval: number;
  review: { due: number; expired: number; complete: boolean };
  changeSetsByRollup: Record<string, number>;
}

export async function gatherAnalytics(engine: Engine, caller: Caller, spaceId: string, input: AnalyticsInput, now: number): Promise<AnalyticsData> {
  const range = resolveRange(input, now);
  const workflowId = range.filter.workflowId;
  const [names, pending, review, changeSets, audit] = await Promise.all([
    workflowNames(engine, caller, spaceId),
    collect((cursor) => engine.approvals.queue(caller, spaceId, { cursor, limit: 100 })),
    engine.lifecycle.reviewCounts(caller, spaceId, workflowId ? { workflowId } : {}),
    collect((cursor) => engine.changeSets.list(caller, { spaceId, status: 'open', cursor, limit: 100 })),
    readAudit(engine, caller, spaceId, range.filter),
  ]);
  const changeSetsByRollup: Record<string, number> = {};
  for (const cs of changeSets.items) changeSetsByRollup[cs.rollupState] = (changeSetsByRollup[cs.rollupState] ?? 0) + 1;
  // a workflow deleted since keeps the name its approvals were made under
  for (const a of pending.items) if (!names.has(a.workflowId)) names.set(a.workflowId, a.workflowSnapshot.name);
  const rows = audit ? approvalRows(audit.items, range.filter) : null;
  return {
    range,
    names,
    rows,
    summary: summarizeRows(rows ?? [], range.filter, names),
    truncated: audit?.truncated ?? false,
    inApproval: pending.items.filter((a) => !workflowId || a.workflowId === workflowId).length,
    review,
    changeSetsByRollup,
  };
}

export async function spaceAnalytics(engine: Engine, caller: Caller, spaceId: string, input: AnalyticsInput, now: number): Promise<AnalyticsSummary> {
  const data = await gatherAnalytics(engine, caller, spaceId, input, now);
  const { summary, range } = data;
  const seen = data.rows !== null;
  const counts = summary.counts;
  return {
    spaceId,
    from: range.from,
    to: range.to,
    ...(range.filter.workflowId ? { workflowId: range.filter.workflowId } : {}),
    workflows: [...data.names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    cards: {
      total: seen ? counts.submitted : null,
      inApproval: data.inApproval,
      approved: seen ? counts.approved : null,
      changesRequested: seen ? counts.rejected : null,
      cancelled: seen ? counts.cancelled : null,
      due: data.review.due,
      expired: data.review.expired,
    },
    reviewCountsComplete: data.review.complete,
    perDay: seen ? summary.perDay : [],
    byWorkflow: seen ? summary.byWorkflow : [],
    medianHoursToDecision: seen ? summary.medianHoursToDecision : null,
    auditAvailable: seen,
    truncated: data.truncated,
    changeSetsByRollup: data.changeSetsByRollup,
  };
}
