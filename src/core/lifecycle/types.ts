/** The shapes the lifecycle operations answer, for the transports and the UI contract. */
export type { TreeRow } from './manage-space';
export type { ReviewQueueItem } from './review-queue';
export type { RetentionSettings, RunSummary } from '../records/lifecycle-schemas';
export type { JobResult } from './daily-job';
