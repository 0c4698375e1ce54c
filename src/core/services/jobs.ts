/**
 * Deferred work (ports/jobs.ts): the job schema every consumer validates with, the engine's own
 * job handlers, and how the engine hands jobs over after a commit.
 */
import { z } from 'zod';
import { SUBMISSION_FOLLOW_UP_BATCH } from '../ports/jobs';
import type { Job, JobHandlers, JobQueue } from '../ports/jobs';
import type { EngineDeps, EngineLogger } from './context';
import { createContext } from './context';
import type { EngineContext } from './context';
import { postSubmissionComment } from './notifications';
import { followUpSubmission } from './submission-follow-up';
import { postQueuedComment } from './comments';
import { onPageUpdated } from './staleness/page-updated';
import { syncPageLabels } from './automation/sync-labels';
import { publishRollupChanges } from './changesets/rollup-events';
import { postSetComments } from './changesets/atomic/notify';
import { lcKeys } from '../records/lifecycle-keys';
import { FIELD_LIMITS } from '../domain/limits';
import { postInvalidationComments } from './changesets/atomic/notify-invalidated';
import { confluenceId, opaqueId } from '../domain/fields';
import { continueDailyRun } from '../lifecycle/continue-run';
import { continueVerification } from './audit-verify/continue';
import { continueIndexBackfill } from './approvals/index-backfill';

const id = z.string().min(1).max(200);

/** Bound of a diagnostics record riding on a follow-up (a record of names is well under it). */
const MAX_RIDING_DIAGNOSTICS_BYTES = 8 * 1024;

/** A job as it arrives from a queue: validated before any handler sees it. */
export const jobSchema: z.ZodType<Job> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notify.submitted'), approvalId: id }).strict(),
  z.object({ kind: z.literal('notify.set'), setApprovalId: id, event: z.number().int().min(0).max(1000) }).strict(),
  z.object({
    kind: z.literal('notify.setInvalidated'),
    setApprovalId: id,
    edits: z.array(z.object({ pageId: confluenceId, version: z.number().int().min(1), by: id.optional() }).strict()).min(1).max(FIELD_LIMITS.pageRefs.max),
  }).strict(),
  z.object({ kind: z.literal('notify.comment'), key: z.string().startsWith(lcKeys.outboxPrefix).max(300) }).strict(),
  z.object({
    kind: z.literal('submission.followUp'),
    approvalIds: z.array(id).min(1).max(SUBMISSION_FOLLOW_UP_BATCH),
    sequenceAudit: z.boolean(),
    // names only, a few hundred bytes; its owner (the transport) re-validates it field by field
    diagnostics: z.record(z.string(), z.unknown()).refine((d) => JSON.stringify(d).length <= MAX_RIDING_DIAGNOSTICS_BYTES).optional(),
  }).strict(),
  z.object({ kind: z.literal('audit.sequence') }).strict(),
  z.object({ kind: z.literal('page.updated'), pageId: confluenceId, updatedAt: z.number().int().nonnegative().optional() }).strict(),
  z.object({ kind: z.literal('labels.sync'), pageId: confluenceId }).strict(),
  z.object({ kind: z.literal('changeset.rollup'), pageIds: z.array(confluenceId).max(FIELD_LIMITS.pageRefs.max), changeSetIds: z.array(id).min(1).max(FIELD_LIMITS.pageRefs.max) }).strict(),
  z.object({ kind: z.literal('lifecycle.continue') }).strict(),
  z.object({ kind: z.literal('audit.verify'), jobId: opaqueId }).strict(),
  z.object({ kind: z.literal('approvals.indexBackfill') }).strict(),
]);

/** The handlers the engine owns; the composition roots add the rest (see createJobHandlers). */
export type EngineJobHandlers = Omit<JobHandlers, 'audit.sequence'>;

/** `sequence`: the composition root's audit sequencing, run first by a follow-up that asks for it (default none: the sweep links). */
export function engineJobHandlers(ctx: EngineContext, sequence: JobHandlers['audit.sequence'] = async () => undefined): EngineJobHandlers {
  return {
    'notify.submitted': (job) => postSubmissionComment(ctx, job.approvalId),
    'notify.set': (job) => postSetComments(ctx, job.setApprovalId, job.event),
    'notify.setInvalidated': (job) => postInvalidationComments(ctx, job.setApprovalId, job.edits),
    'notify.comment': (job) => postQueuedComment(ctx, job.key),
    'submission.followUp': (job) => followUpSubmission(ctx, job, sequence),
    'page.updated': (job) => onPageUpdated(ctx, job.pageId, job.updatedAt),
    'labels.sync': (job) => syncPageLabels(ctx, job.pageId),
    'changeset.rollup': (job) => publishRollupChanges(ctx, job.pageIds, job.changeSetIds),
    'lifecycle.continue': () => continueDailyRun(ctx),
    'audit.verify': (job) => continueVerification(ctx, job.jobId),
    'approvals.indexBackfill': () => continueIndexBackfill(ctx),
  };
}

/** The full handler table for a queue consumer: the engine's handlers over `deps` (acting as the app) plus the given ones. */
export function createJobHandlers(deps: EngineDeps, others: Omit<JobHandlers, keyof EngineJobHandlers>, log?: EngineLogger): JobHandlers {
  return { ...engineJobHandlers(createContext(deps, log), others['audit.sequence']), ...others };
}

export function dispatchJob(handlers: JobHandlers, job: Job): Promise<void> {
  const handler = handlers[job.kind] as (job: Job) => Promise<void>;
  return handler(job);
}

/**
 * No queue configured (engine-level tests and scripts): each pushed job runs at once, in order,
 * a failure logged as an inline notification's was. `audit.sequence` is left to the audit trail's
 * own sweep here.
 */
export function inlineJobQueue(ctx: EngineContext): JobQueue {
  const noSequencing = async () => undefined;
  const handlers: JobHandlers = { ...engineJobHandlers(ctx, noSequencing), 'audit.sequence': noSequencing };
  return {
    async push(jobs) {
      for (const job of jobs) {
        await dispatchJob(handlers, job).catch(() => ctx.log('job failed', { kind: job.kind }));
      }
    },
  };
}
