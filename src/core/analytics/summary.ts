/**
 * Approval analytics from audit records (issue 11 item 7): outcome counts, a dated daily trend and a
 * per-workflow comparison (count and median time to decision), filtered by date range and workflow.
 * Pure: the caller decides which records the person may see.
 */
import type { AuditRecord } from '../domain/model';

import { DAY_MS } from '../shared/time';

export { DAY_MS };

export interface AnalyticsFilter {
  from: number;
  to: number;
  workflowId?: string;
}

export interface DayBucket {
  /** UTC date, YYYY-MM-DD */
  day: string;
  submitted: number;
  approved: number;
  rejected: number;
  cancelled: number;
}

export interface WorkflowStats {
  workflowId: string;
  name: string;
  submitted: number;
  approved: number;
  rejected: number;
  cancelled: number;
  /** median hours from submission to approval or rejection; null without a decision in range */
  medianHoursToDecision: number | null;
}

export interface ApprovalSummary {
  counts: { submitted: number; approved: number; rejected: number; cancelled: number };
  perDay: DayBucket[];
  byWorkflow: WorkflowStats[];
  medianHoursToDecision: number | null;
}

/**
 * The Analytics tab's cards. Outcome counts are `null` when the caller may not read the space's audit
 * trail (shown as "—", never as 0); in approval, due and expired come from what the caller can read.
 */
export interface AnalyticsCards {
  /** approvals submitted in the range */
  total: number | null;
  inApproval: number;
  approved: number | null;
  changesRequested: number | null;
  cancelled: number | null;
  due: number;
  expired: number;
}

export type Outcome = 'approved' | 'rejected' | 'cancelled';
const OUTCOME: Partial<Record<AuditRecord['action'], Outcome>> = {
  'approval.approved': 'approved',
  'approval.rejected': 'rejected',
  'approval.cancelled': 'cancelled',
};

/** One approval as the records of the range show it: submitted in range, decided in range, or both. */
export interface ApprovalRow {
  approvalId: string;
  pageId?: string;
  workflowId: string;
  submittedBy?: string;
  /** set when the submission lies in the range */
  submittedAt?: number;
  outcome?: { kind: Outcome; at: number; by: string };
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function median(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  if (upper === undefined) return null; // no values
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

const hours = (ms: number | null): number | null => (ms === null ? null : Math.round((ms / 3_600_000) * 100) / 100);

/** Milliseconds from submission to approval or rejection (cancelling is not a decision). */
export function decisionMs(row: ApprovalRow): number | null {
  const { submittedAt, outcome } = row;
  if (!outcome || outcome.kind === 'cancelled' || submittedAt === undefined || outcome.at < submittedAt) return null;
  return outcome.at - submittedAt;
}

function emptyDays(filter: AnalyticsFilter): Map<string, DayBucket> {
  const days = new Map<string, DayBucket>();
  for (let t = Math.floor(filter.from / DAY_MS) * DAY_MS; t <= filter.to; t += DAY_MS) {
    days.set(utcDay(t), { day: utcDay(t), submitted: 0, approved: 0, rejected: 0, cancelled: 0 });
  }
  return days;
}

/**
 * One row per approval. Its outcome is its last final record: an "all" step logs one approval.approved
 * per approver, and only the status-changing one (the latest) counts. Records without an approval or
 * workflow id, or outside the filter, are ignored.
 */
export function approvalRows(records: AuditRecord[], filter: AnalyticsFilter): ApprovalRow[] {
  const rows = new Map<string, ApprovalRow & { outcomeOrder?: [number, number] }>();
  for (const r of records) {
    if (r.at < filter.from || r.at > filter.to || !r.approvalId || !r.workflowId) continue;
    if (filter.workflowId && r.workflowId !== filter.workflowId) continue;
    const kind = OUTCOME[r.action];
    if (r.action !== 'approval.submitted' && (!kind || r.details.status === 'pending')) continue;
    const row = rows.get(r.approvalId) ?? { approvalId: r.approvalId, workflowId: r.workflowId };
    row.pageId ??= r.pageId;
    if (r.action === 'approval.submitted') {
      row.submittedAt = r.at;
      row.submittedBy = r.actor;
    } else if (kind && (row.outcomeOrder === undefined || laterThan(orderOf(r), row.outcomeOrder))) {
      row.outcome = { kind, at: r.at, by: r.actor };
      row.outcomeOrder = orderOf(r);
    }
    rows.set(r.approvalId, row);
  }
  return [...rows.values()].map(({ outcomeOrder: _order, ...row }) => row).sort((a, b) => (a.submittedAt ?? a.outcome!.at) - (b.submittedAt ?? b.outcome!.at));
}

/** Counts, daily trend and per-workflow comparison of the rows; `workflowNames` gives readable names. */
export function summarizeRows(rows: ApprovalRow[], filter: AnalyticsFilter, workflowNames: ReadonlyMap<string, string>): ApprovalSummary {
  const days = emptyDays(filter);
  const stats = new Map<string, WorkflowStats>();
  const durations = new Map<string, number[]>();
  const counts = { submitted: 0, approved: 0, rejected: 0, cancelled: 0 };
  const statsOf = (workflowId: string): WorkflowStats => {
    const s = stats.get(workflowId) ?? { workflowId, name: workflowNames.get(workflowId) ?? workflowId, submitted: 0, approved: 0, rejected: 0, cancelled: 0, medianHoursToDecision: null };
    stats.set(workflowId, s);
    return s;
  };
  for (const row of rows) {
    const s = statsOf(row.workflowId);
    if (row.submittedAt !== undefined) {
      counts.submitted++;
      s.submitted++;
      const bucket = days.get(utcDay(row.submittedAt));
      if (bucket) bucket.submitted++;
    }
    if (row.outcome) {
      counts[row.outcome.kind]++;
      s[row.outcome.kind]++;
      const bucket = days.get(utcDay(row.outcome.at));
      if (bucket) bucket[row.outcome.kind]++;
    }
    const ms = decisionMs(row);
    if (ms !== null) durations.set(row.workflowId, [...(durations.get(row.workflowId) ?? []), ms]);
  }
  for (const s of stats.values()) s.medianHoursToDecision = hours(median(durations.get(s.workflowId) ?? []));
  return {
    counts,
    perDay: [...days.values()],
    byWorkflow: [...stats.values()].sort((a, b) => a.name.localeCompare(b.name)),
    medianHoursToDecision: hours(median([...durations.values()].flat())),
  };
}

export function summarizeApprovals(records: AuditRecord[], filter: AnalyticsFilter, workflowNames: ReadonlyMap<string, string>): ApprovalSummary {
  return summarizeRows(approvalRows(records, filter), filter, workflowNames);
}

/** Commit order of a record: time first, then seq; a record not yet linked into the chain (seq 0) is the newest at its time. */
function orderOf(r: AuditRecord): [number, number] {
  return [r.at, r.pending ? Number.MAX_SAFE_INTEGER : r.seq];
}

function laterThan(a: [number, number], b: [number, number]): boolean {
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1];
}
