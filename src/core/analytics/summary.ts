/**
 * Approval analytics from audit records (issue 11 item 7): outcome counts, a dated daily trend and a
 * per-workflow comparison (count and median time to decision), filtered by date range and workflow.
 * Pure: the caller decides which records the person may see.
 */
import type { AuditRecord } from '../domain/model';

export const DAY_MS = 86_400_000;

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

type Outcome = 'approved' | 'rejected' | 'cancelled';
const OUTCOME: Partial<Record<AuditRecord['action'], Outcome>> = {
  'approval.approved': 'approved',
  'approval.rejected': 'rejected',
  'approval.cancelled': 'cancelled',
};

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function median(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  if (upper === undefined) return null; // no values
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

const hours = (ms: number | null): number | null => (ms === null ? null : Math.round((ms / 3_600_000) * 100) / 100);

function emptyDays(filter: AnalyticsFilter): Map<string, DayBucket> {
  const days = new Map<string, DayBucket>();
  for (let t = Math.floor(filter.from / DAY_MS) * DAY_MS; t <= filter.to; t += DAY_MS) {
    days.set(utcDay(t), { day: utcDay(t), submitted: 0, approved: 0, rejected: 0, cancelled: 0 });
  }
  return days;
}

/**
 * One outcome per approval: its last final record (an "all" step logs one approval.approved per
 * approver; only the status-changing one counts, which is the latest). `workflowNames` gives readable
 * names; records carry the workflow id.
 */
export function summarizeApprovals(records: AuditRecord[], filter: AnalyticsFilter, workflowNames: ReadonlyMap<string, string>): ApprovalSummary {
  const inRange = records.filter((r) => r.at >= filter.from && r.at <= filter.to && (!filter.workflowId || r.workflowId === filter.workflowId));
  const days = emptyDays(filter);
  const submittedAt = new Map<string, number>();
  const outcome = new Map<string, AuditRecord>();
  const stats = new Map<string, WorkflowStats>();
  const durations = new Map<string, number[]>();
  const statsOf = (workflowId: string): WorkflowStats => {
    let s = stats.get(workflowId);
    if (!s) {
      s = { workflowId, name: workflowNames.get(workflowId) ?? workflowId, submitted: 0, approved: 0, rejected: 0, cancelled: 0, medianHoursToDecision: null };
      stats.set(workflowId, s);
    }
    return s;
  };
  for (const r of inRange) {
    if (!r.approvalId || !r.workflowId) continue;
    if (r.action === 'approval.submitted') {
      submittedAt.set(r.approvalId, r.at);
      statsOf(r.workflowId).submitted++;
      const bucket = days.get(utcDay(r.at));
      if (bucket) bucket.submitted++;
    } else if (OUTCOME[r.action] && r.details.status !== 'pending') {
      const prev = outcome.get(r.approvalId);
      if (!prev || prev.seq < r.seq) outcome.set(r.approvalId, r);
    }
  }
  const counts = { submitted: submittedAt.size, approved: 0, rejected: 0, cancelled: 0 };
  const all: number[] = [];
  for (const [approvalId, r] of outcome) {
    const kind = OUTCOME[r.action]!;
    counts[kind]++;
    statsOf(r.workflowId!)[kind]++;
    const bucket = days.get(utcDay(r.at));
    if (bucket) bucket[kind]++;
    const start = submittedAt.get(approvalId);
    if (kind !== 'cancelled' && start !== undefined && r.at >= start) {
      all.push(r.at - start);
      durations.set(r.workflowId!, [...(durations.get(r.workflowId!) ?? []), r.at - start]);
    }
  }
  for (const s of stats.values()) s.medianHoursToDecision = hours(median(durations.get(s.workflowId) ?? []));
  return {
    counts,
    perDay: [...days.values()],
    byWorkflow: [...stats.values()].sort((a, b) => a.name.localeCompare(b.name)),
    medianHoursToDecision: hours(median(all)),
  };
}
