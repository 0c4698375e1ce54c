/**
 * Forge entry point: exports exactly the handlers manifest.yml names (`handler: index.<name>`).
 * `npm run forge:check` builds this file with Forge's bundler and checks the two stay in step.
 */
import { forgeApp } from './composition/forge';

export const resolver = forgeApp.resolver;
/** confluence:contentBylineItem dynamicProperties (function key `byline-properties`). */
export const bylineProperties = forgeApp.bylineProperties;

export const apiChangeSetsList = forgeApp.api.apiChangeSetsList;
export const apiChangeSetDetail = forgeApp.api.apiChangeSetDetail;
export const apiChangeSetCreate = forgeApp.api.apiChangeSetCreate;
export const apiChangeSetCreateAlias = forgeApp.api.apiChangeSetCreateAlias;
export const apiChangeSetUpdate = forgeApp.api.apiChangeSetUpdate;
export const apiChangeSetArchive = forgeApp.api.apiChangeSetArchive;
export const apiChangeSetPreflight = forgeApp.api.apiChangeSetPreflight;
export const apiChangeSetSubmit = forgeApp.api.apiChangeSetSubmit;
export const apiPagePreflight = forgeApp.api.apiPagePreflight;
export const apiPageSubmit = forgeApp.api.apiPageSubmit;
export const apiPageStatus = forgeApp.api.apiPageStatus;
export const apiKeys = forgeApp.api.apiKeys;
export const apiEvidence = forgeApp.api.apiEvidence;
/** scheduledTrigger `audit-sequencer` (interval hour): the sweep that links audit records a lost sequencing job left pending. */
export const apiEventsList = forgeApp.api.apiEventsList;
export const auditSequencer = forgeApp.auditSequencer;
/** scheduledTrigger `audit-checkpoint` (interval day): signs the audit chain head with the installation key. */
export const auditCheckpoint = forgeApp.auditCheckpoint;
/** trigger `page-updated-trigger` (avi:confluence:updated:page): queues the content hash and staleness job. */
export const pageUpdated = forgeApp.pageUpdated;
/** scheduledTrigger `lifecycle-daily` (interval day): review notices, reminders, retention. */
export const lifecycleDaily = forgeApp.lifecycleDaily;
/** trigger `routing-drift-trigger` (label and move events): records routing drift of rule-bound pages. */
export const routingDrift = forgeApp.routingDrift;
/** consumer `approvalflow-jobs` (queue approvalflowjobs): submission comments and audit sequencing after the response. */
export const jobConsumer = forgeApp.jobConsumer;
