/**
 * Job queue port: work the engine defers until after its transaction committed and the response
 * left (Forge async events, `@forge/events`; the local runtime emulates them). Jobs are small,
 * JSON, and idempotent: a queue may deliver one more than once.
 */

export type Job =
  /** post the submission comment of this approval (once; the comment id is recorded) */
  | { kind: 'notify.submitted'; approvalId: string }
  /** post an atomic set approval's comments for one event (0: submission, n: decision n) on its member pages (once per page) */
  | { kind: 'notify.set'; setApprovalId: string; event: number }
  /** an atomic set approval was invalidated by these edits of pinned pages: say so on its member pages (once per page) */
  | { kind: 'notify.setInvalidated'; setApprovalId: string; edits: { pageId: string; version: number; by?: string }[] }
  /** post the comment stored as an outbox item under this key (once: the item is deleted when posted) */
  | { kind: 'notify.comment'; key: string }
  /**
   * After a submission (issue 23: one invocation for up to SUBMISSION_FOLLOW_UP_BATCH pages, not
   * one per page plus one per commit): link the audit records (`sequenceAudit`, one sequencer at a
   * time), then post each approval's submission comment (once each; the comment id is recorded).
   * A job whose time ran short pushes the same kind for the approvals it left (its continuation).
   */
  | {
      kind: 'submission.followUp';
      approvalIds: string[];
      sequenceAudit: boolean;
      /**
       * The API invocation's platform-diagnostics record riding along (issue 23: written by the
       * consumer, not on the request path); the transport's, opaque to the engine.
       */
      diagnostics?: Record<string, unknown>;
    }
  /** integrate audit records committed unsequenced into the chain */
  | { kind: 'audit.sequence' }
  /** a page got a new version: hash it and record its approval's staleness transition (SPEC 2.4a) */
  | { kind: 'page.updated'; pageId: string; updatedAt?: number }
  /** a page may have moved between approved, rejected and stale: put its mapped Automation label on (SPEC 3a) */
  | { kind: 'labels.sync'; pageId: string }
  /** SPEC 3a: these pages moved; publish the roll-up change of each per-page change set that lists them */
  | { kind: 'changeset.rollup'; pageIds: string[]; changeSetIds: string[] }
  /** the daily lifecycle run stopped at its deadline with work left: run again now, not tomorrow (issue 23) */
  | { kind: 'lifecycle.continue' }
  /** the next slice of an audit verification job (issue 23 item 6): verify from its checkpoint for a bounded time, save, continue */
  | { kind: 'audit.verify'; jobId: string }
  /** the next slice of the one-off back-fill of the approver index (issue 23 item 5): rewrite older pending approvals from the saved position, save, continue */
  | { kind: 'approvals.indexBackfill' };

export type JobKind = Job['kind'];

export interface JobQueue {
  /** Enqueue; resolves once the queue accepted every job (implementations split into allowed batches). */
  push(jobs: Job[]): Promise<void>;
}

/** What handles each kind of job; built in the composition roots (some handlers live outside the engine). */
export type JobHandlers = { [K in JobKind]: (job: Extract<Job, { kind: K }>) => Promise<void> };

/**
 * Forge async events limits (docs/forge-platform.md "Async events"): at most 50 events per push
 * and 200 KB per push payload; the queue adapters and the local emulation enforce both.
 */
export const QUEUE_LIMITS = { maxEventsPerPush: 50, maxPushBytes: 200 * 1024 } as const;

/**
 * Approvals per follow-up job: 25 comments posted 10 at a time (~0.4 s a Confluence call at its usual
 * pace) take a few seconds (the job consumer may run 900 s, manifest.yml; a job that cannot read the
 * platform's clock assumes 25 s), and stay well under a per-invocation call cap (U25). When Confluence is slow the
 * job records what it posted before its time is up and continues in a new job (submission-follow-up.ts).
 */
export const SUBMISSION_FOLLOW_UP_BATCH = 25;
