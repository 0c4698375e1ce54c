/**
 * Space analytics computed from what the engine lets the caller read: the pending queue, the open
 * change sets and the space's audit records of the last 30 days. Every read goes through the engine
 * with the caller's identity, so analytics never show more than the caller may see; when the audit
 * trail is refused, only the queue and change-set counts are returned (auditAvailable: false).
 */
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { AuditRecord } from '../../core/domain/model';
import type { Engine, Page } from '../../core/services/engine';
import type { AnalyticsSummary } from './contract';

const WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Bounds the work of one invocation (Forge: 25 s); 50 pages × 100 records is plenty for a summary. */
const MAX_PAGES = 50;

async function collect<T>(fetchPage: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export async function spaceAnalytics(engine: Engine, caller: Caller, spaceId: string, now: number): Promise<AnalyticsSummary> {
  const from = now - WINDOW_DAYS * DAY_MS;
  const [pending, changeSets, audit] = await Promise.all([
    collect((cursor) => engine.approvals.queue(caller, spaceId, { cursor, limit: 100 })),
    collect((cursor) => engine.changeSets.list(caller, { spaceId, status: 'open', cursor, limit: 100 })),
    collect((cursor) => engine.audit.list(caller, { spaceId, from, to: now }, { cursor, limit: 100 })).catch((err: unknown) => {
      if (err instanceof DomainError && err.kind === 'forbidden') return null;
      throw err;
    }),
  ]);

  const changeSetsByRollup: Record<string, number> = {};
  for (const cs of changeSets) changeSetsByRollup[cs.rollupState] = (changeSetsByRollup[cs.rollupState] ?? 0) + 1;

  const perDay = new Map<string, { day: string; submitted: number; approved: number; rejected: number }>();
  for (let t = from + DAY_MS; t <= now + 1; t += DAY_MS) {
    const day = utcDay(Math.min(t, now));
    perDay.set(day, { day, submitted: 0, approved: 0, rejected: 0 });
  }

  const counts = { pending: pending.length, submitted: 0, approved: 0, rejected: 0, cancelled: 0 };
  let meanHoursToDecision: number | null = null;

  if (audit) {
    // One outcome per approval: the latest final record wins (a multi-step approval may log several).
    const submittedAt = new Map<string, number>();
    const outcome = new Map<string, AuditRecord>();
    for (const r of audit) {
      if (!r.approvalId) continue;
      if (r.action === 'approval.submitted') {
        submittedAt.set(r.approvalId, r.at);
        counts.submitted++;
        const bucket = perDay.get(utcDay(r.at));
        if (bucket) bucket.submitted++;
      } else if (r.action === 'approval.approved' || r.action === 'approval.rejected' || r.action === 'approval.cancelled') {
        const prev = outcome.get(r.approvalId);
        if (!prev || prev.seq < r.seq) outcome.set(r.approvalId, r);
      }
    }
    let decidedCount = 0;
    let decidedMs = 0;
    for (const [approvalId, r] of outcome) {
      if (r.action === 'approval.cancelled') {
        counts.cancelled++;
        continue;
      }
      const key = r.action === 'approval.approved' ? 'approved' : 'rejected';
      counts[key]++;
      const bucket = perDay.get(utcDay(r.at));
      if (bucket) bucket[key]++;
      const start = submittedAt.get(approvalId);
      if (start !== undefined && r.at >= start) {
        decidedCount++;
        decidedMs += r.at - start;
      }
    }
    if (decidedCount > 0) meanHoursToDecision = Math.round((decidedMs / decidedCount / 3_600_000) * 100) / 100;
  }

  return {
    spaceId,
    counts,
    perDay: [...perDay.values()],
    meanHoursToDecision,
    windowDays: WINDOW_DAYS,
    auditAvailable: audit !== null,
    changeSetsByRollup,
  };
}
