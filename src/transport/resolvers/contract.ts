/**
 * Result types several resolver bindings or the Custom UI share, and the failure envelope. What each
 * key answers is written on its binding row and derived in registry.ts (ResolverData), which
 * static/src/api.ts types its calls with, so the UI and the resolvers cannot drift apart.
 */
import type { AnalyticsCards, DayBucket, WorkflowStats } from '../../core/analytics/summary';
import type { ErrorDetail } from '../../core/domain/errors';

export type { ErrorDetail };

/** `retryAfter` (seconds) accompanies RATE_LIMITED and UPSTREAM_UNAVAILABLE, as Retry-After does over REST. */
export type ResolverFailure = { success: false; error: string; code: string; details?: ErrorDetail[]; retryAfter?: number; attemptsLeft?: number };

export interface AdminCapabilities {
  readAudit: boolean;
  verifyChain: boolean;
  exportAudit: boolean;
  rotateSigningKey: boolean;
}

export interface ApiInfo {
  baseUrls: string[];
  scopes: { name: string; description: string }[];
  platformScope: string;
  enableSteps: string[];
}

export interface AnalyticsSummary {
  spaceId: string;
  /** the inclusive UTC date range the numbers cover (YYYY-MM-DD) */
  from: string;
  to: string;
  workflowId?: string;
  /** the space's workflows, for the filter */
  workflows: { id: string; name: string }[];
  cards: AnalyticsCards;
  /** false when more pages are due than one invocation counts: due and expired are lower bounds */
  reviewCountsComplete: boolean;
  /** one entry per UTC day of the range, oldest first */
  perDay: DayBucket[];
  byWorkflow: WorkflowStats[];
  medianHoursToDecision: number | null;
  /** false when the caller may not read the space's audit trail: outcome cards are null, trend and comparison empty */
  auditAvailable: boolean;
  /** true when the range held more audit records than one invocation reads: the oldest were not counted */
  truncated: boolean;
  changeSetsByRollup: Record<string, number>;
}
