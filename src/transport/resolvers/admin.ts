/** Resolvers of the global admin page: the audit trail and the REST API help. */
import { z } from 'zod';
import type { VerifyResult } from '../../core/audit/verify';
import type { VerifyJobStatus } from '../../core/audit/verify-job';
import { auditFilterFields, cursor } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { AuditRecord } from '../../core/domain/model';
import type { RetentionSettings, RunSummary } from '../../core/lifecycle/types';
import { FORGE_APP_SCOPE } from '../api/routes';
import type { DiagnosticsSummary } from '../diagnostics/diagnostics-log';
import { sealedResultPage } from '../shared/edge';
import type { ClientContext } from './context';
import { withoutUndefined } from './context';
import type { ApiInfo } from './contract';
import { defineResolver, type ResolverOptions } from './define';
import { empty, paging } from './payload-fields';

/** Scopes of the app's REST API (must match custom-scopes.yaml; a test checks it). */
export const API_SCOPES: { name: string; description: string }[] = [
  { name: 'read:change-set:custom', description: 'List and read change sets, preflight them.' },
  { name: 'write:change-set:custom', description: 'Create, update, archive and submit change sets.' },
  { name: 'read:approval:custom', description: 'Read page approval state, preflight a page.' },
  { name: 'write:approval:custom', description: 'Submit pages for approval.' },
  { name: 'read:event:custom', description: 'Follow the event feed (approval state changes) of the spaces you can view.' },
];

/** The platform-set site ARI wins over the client-supplied cloud id. */
function cloudIdOf(client: ClientContext): string {
  return /::site\/([0-9A-Za-z-]+)$/.exec(client.installContext ?? '')?.[1] ?? client.cloudId ?? '<cloud-id>';
}

function apiBaseUrls(client: ClientContext, options: ResolverOptions): string[] {
  const platform = options.appContext?.() ?? {};
  const appId = platform.appId ?? options.appId ?? '<app-id>';
  const envId = platform.environmentId ?? client.environmentId ?? '<env-id>';
  const site = (client.siteUrl ?? 'https://<site>.atlassian.net').replace(/\/+$/, '');
  return [
    `https://api.atlassian.com/svc/confluence/${cloudIdOf(client)}/apps/${appId}_${envId}`,
    `${site}/gateway/api/svc/confluence/apps/${appId}_${envId}`,
  ];
}

export const adminResolvers = [
  defineResolver('api.info', { writes: false, input: empty }, async (_input, { client, options }): Promise<ApiInfo> => ({
    baseUrls: apiBaseUrls(client, options),
    scopes: API_SCOPES,
    platformScope: FORGE_APP_SCOPE,
    enableSteps: [
      'Go to admin.atlassian.com and pick your organization.',
      'Open Apps → Sites, choose the Confluence site, then Connected apps.',
      'Open ApprovalFlow and turn on "App REST APIs" (allow external access to the app\'s REST API).',
      `Create an OAuth 2.0 (3LO) integration in the developer console with the scopes above plus ${FORGE_APP_SCOPE}.`,
    ],
  })),
  /** Platform diagnostics panel (SPEC §4): site admins only; names and counts, never values. */
  defineResolver('admin.diagnostics', { writes: false, input: empty }, async (_input, { engine, caller, options }): Promise<DiagnosticsSummary> => {
    await engine.capabilities.requireSiteAdmin(caller, 'admin.diagnostics');
    return options.diagnostics.summary();
  }),
  defineResolver('audit.list', { writes: false, input: z.strictObject({ ...auditFilterFields, ...paging }) }, async (input, env): Promise<{ records: AuditRecord[]; nextCursor?: string }> => {
    const { cursor, limit, ...rest } = input;
    const filter = withoutUndefined(rest);
    const { items, ...more } = await sealedResultPage(env.listCursor('audit.list', { ...filter, cursor }), (opened) => env.engine.audit.list(env.caller, filter, { cursor: opened, limit }));
    return { records: items, ...more };
  }),
  defineResolver('retention.get', { writes: false, input: empty }, async (_input, { engine, caller }): Promise<{ settings: RetentionSettings; lastRun: RunSummary | null }> => engine.lifecycle.retention(caller)),
  // Shape only: the minimums (180 / 365 days) are the engine's rule, answered as RETENTION_TOO_SHORT.
  defineResolver('retention.update', {
    writes: true,
    input: z.strictObject({
      approvalRetentionDays: z.number().int().min(1).max(L.approvalRetentionDays.max).optional(),
      auditRetentionDays: z.number().int().min(1).max(L.auditRetentionDays.max).optional(),
    }),
  }, async (input, { engine, caller }): Promise<{ settings: RetentionSettings }> => ({
    settings: await engine.lifecycle.updateRetention(caller, withoutUndefined(input)),
  })),
  defineResolver('audit.verify', { writes: false, input: empty }, async (_input, { engine, caller }): Promise<VerifyResult> => engine.audit.verify(caller)),
  // the admin page verifies through the resumable job (issue 23): start (answers the running one if any), then poll
  defineResolver('audit.verifyJob.start', { writes: true, input: empty }, async (_input, { engine, caller }): Promise<VerifyJobStatus> => engine.audit.startVerification(caller)),
  defineResolver('audit.verifyJob.status', { writes: false, input: empty }, async (_input, { engine, caller }): Promise<{ job: VerifyJobStatus | null }> => engine.audit.verificationStatus(caller)),
  // one chunk (≤ 4,000,000 bytes) per call (issue 23), the CSV header with the first; the cursor is sealed to the caller, the format and the filters
  defineResolver('audit.export', {
    writes: false,
    input: z.strictObject({
      format: z.enum(['csv', 'ndjson']),
      filters: z.strictObject(auditFilterFields).optional(),
      cursor: cursor.optional(),
    }),
  }, async (input, env): Promise<{ format: 'csv' | 'ndjson'; content: string; records: number; nextCursor?: string }> => {
    const filters = withoutUndefined(input.filters ?? {});
    const sealed = env.listCursor('audit.export', { ...filters, format: input.format, cursor: input.cursor });
    const { nextCursor, ...chunk } = await env.engine.audit.export(env.caller, filters, input.format, await sealed.open());
    const next = await sealed.seal(nextCursor);
    return { format: input.format, ...chunk, ...(next ? { nextCursor: next } : {}) };
  }),
];
