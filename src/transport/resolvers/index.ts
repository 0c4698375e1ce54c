/**
 * Custom UI resolvers (SPEC §6) on the real @forge/resolver. One definitions handler serves the
 * macro, byline, space page and admin page.
 *
 * - Identity: only `req.context.accountId`, which @forge/resolver copies from the platform
 *   principal (server-side, overwrites anything the browser sent). No account → UNAUTHENTICATED.
 * - Payloads: strict zod schemas (schemas.ts); unknown keys such as `accountId` are refused.
 * - Page/space ids may default to the extension context, which the browser can forge: they are only
 *   hints, the engine re-checks the caller's rights on every call.
 * - Results: the REST envelope `{success:true, ...data}` / `{success:false, error, code, details?}`.
 */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import { StoreError } from '../../core/ports/store';
import type { Engine, EngineFactory, WorkflowInput } from '../../core/services/engine';
import { issuesToDetails } from '../api/schemas';
import { spaceAnalytics } from './analytics';
import type { ResolverData, ResolverFailure } from './contract';
import { schemas, type ResolverKey } from './schemas';
import { defineUiSupport } from './ui-support';

export interface ResolverOptions {
  /** Forge app id (uuid part) for the REST base URLs shown on the admin page. */
  appId?: string;
  /** Clock for analytics windows; defaults to Date.now. */
  now?: () => number;
}

/** Scopes of the app's REST API (must match custom-scopes.yaml; a test checks it). */
export const API_SCOPES: { name: string; description: string }[] = [
  { name: 'read:change-set:custom', description: 'List and read change sets, preflight them.' },
  { name: 'write:change-set:custom', description: 'Create, update, archive and submit change sets.' },
  { name: 'read:approval:custom', description: 'Read page approval state, preflight a page.' },
  { name: 'write:approval:custom', description: 'Submit pages for approval.' },
];

// Only the parts of the (untrusted) client context we use as defaults; parsed leniently.
const idLike = z.union([z.string(), z.number()]).transform(String);
const clientContext = z.object({
  moduleKey: z.string().optional(),
  cloudId: z.string().optional(),
  siteUrl: z.string().optional(),
  environmentId: z.string().optional(),
  localId: z.string().optional(),
  extension: z
    .object({
      content: z.object({ id: idLike.optional() }).optional(),
      space: z.object({ id: idLike.optional() }).optional(),
    })
    .optional(),
});
type ClientContext = z.infer<typeof clientContext>;

interface Env {
  engine: Engine;
  caller: Caller;
  ctx: ClientContext;
  options: ResolverOptions;
}

type Input<K extends ResolverKey> = z.output<(typeof schemas)[K]>;
type Handlers = { [K in ResolverKey]: (input: Input<K>, env: Env) => Promise<ResolverData[K]> };

function pageIdOf(input: { pageId?: string }, ctx: ClientContext): string {
  const pageId = input.pageId ?? ctx.extension?.content?.id;
  if (!pageId) throw new DomainError('invalid', 'PAGE_ID_REQUIRED', 'No page was given and this view is not on a page.');
  return pageId;
}

function spaceIdOf(input: { spaceId?: string }, ctx: ClientContext): string {
  const spaceId = input.spaceId ?? ctx.extension?.space?.id;
  if (!spaceId) throw new DomainError('invalid', 'SPACE_ID_REQUIRED', 'No space was given and this view is not in a space.');
  return spaceId;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function apiBaseUrls(ctx: ClientContext, options: ResolverOptions): string[] {
  const appId = options.appId ?? '<app-id>';
  const envId = ctx.environmentId ?? '<env-id>';
  const site = (ctx.siteUrl ?? 'https://<site>.atlassian.net').replace(/\/+$/, '');
  return [
    `https://api.atlassian.com/svc/confluence/${ctx.cloudId ?? '<cloud-id>'}/apps/${appId}_${envId}`,
    `${site}/gateway/api/svc/confluence/apps/${appId}_${envId}`,
  ];
}

const handlers: Handlers = {
  'context.me': async (_input, { caller, ctx }) => ({
    accountId: caller.accountId,
    moduleKey: ctx.moduleKey,
    pageId: ctx.extension?.content?.id,
    spaceId: ctx.extension?.space?.id,
  }),
  'api.info': async (_input, { ctx, options }) => ({
    baseUrls: apiBaseUrls(ctx, options),
    scopes: API_SCOPES,
    platformScope: 'read:forge-app:confluence',
    enableSteps: [
      'Go to admin.atlassian.com and pick your organization.',
      'Open Apps → Sites, choose the Confluence site, then Connected apps.',
      'Open ApprovalFlow and turn on "App REST APIs" (allow external access to the app\'s REST API).',
      'Create an OAuth 2.0 (3LO) integration in the developer console with the scopes above plus read:forge-app:confluence.',
    ],
  }),
  'people.names': async (input, { engine, caller }) => ({
    names: await engine.people.displayNames(caller, input.accountIds),
  }),

  'page.status': async (input, { engine, caller, ctx }) => ({
    status: await engine.approvals.pageStatus(caller, pageIdOf(input, ctx)),
  }),
  'page.overview': async (input, { engine, caller, ctx }) => {
    const pageId = pageIdOf(input, ctx);
    const [status, history, changeSets] = await Promise.all([
      engine.approvals.pageStatus(caller, pageId),
      engine.approvals.history(caller, pageId),
      engine.changeSets.forPage(caller, pageId),
    ]);
    // The workflow picker is optional: a viewer who may not list workflows still sees the page state.
    const workflows = await engine.workflows.list(caller, status.spaceId).catch((err: unknown) => {
      if (err instanceof DomainError && err.kind === 'forbidden') return [];
      throw err;
    });
    return { status, history, changeSets, workflows };
  },
  'page.history': async (input, { engine, caller, ctx }) => ({
    approvals: await engine.approvals.history(caller, pageIdOf(input, ctx)),
  }),
  'page.changeSets': async (input, { engine, caller, ctx }) => ({
    changeSets: await engine.changeSets.forPage(caller, pageIdOf(input, ctx)),
  }),
  'page.preflight': async (input, { engine, caller, ctx }) => ({
    result: await engine.approvals.preflightPage(caller, pageIdOf(input, ctx)),
  }),
  'page.submit': async (input, { engine, caller, ctx }) => ({
    approval: await engine.approvals.submitPage(caller, pageIdOf(input, ctx), input.workflowId),
  }),

  'approval.decide': async (input, { engine, caller }) => ({
    approval: await engine.approvals.decide(caller, input.approvalId, input.decision, input.comment),
  }),
  'approval.cancel': async (input, { engine, caller }) => ({
    approval: await engine.approvals.cancel(caller, input.approvalId),
  }),
  'approval.reset': async (input, { engine, caller }) => {
    await engine.approvals.reset(caller, input.pageId);
    return { pageId: input.pageId };
  },

  'queue.list': async (input, { engine, caller, ctx }) => {
    const page = await engine.approvals.queue(caller, spaceIdOf(input, ctx), {
      mine: input.mine,
      cursor: input.cursor,
      limit: input.limit,
    });
    return { approvals: page.items, nextCursor: page.nextCursor };
  },

  'workflow.list': async (input, { engine, caller, ctx }) => ({
    workflows: await engine.workflows.list(caller, spaceIdOf(input, ctx)),
  }),
  'workflow.create': async (input, { engine, caller, ctx }) => {
    const { spaceId: _spaceId, ...fields } = input;
    return { workflow: await engine.workflows.create(caller, spaceIdOf(input, ctx), withoutUndefined(fields) as WorkflowInput) };
  },
  'workflow.update': async (input, { engine, caller }) => {
    const { workflowId, expectedVersion, ...patch } = input;
    return { workflow: await engine.workflows.update(caller, workflowId, withoutUndefined(patch), expectedVersion) };
  },
  'workflow.duplicate': async (input, { engine, caller }) => ({
    workflow: await engine.workflows.duplicate(caller, input.workflowId, input.name),
  }),
  'workflow.setEnabled': async (input, { engine, caller }) => ({
    workflow: await engine.workflows.setEnabled(caller, input.workflowId, input.enabled),
  }),
  'workflow.delete': async (input, { engine, caller }) => {
    await engine.workflows.remove(caller, input.workflowId);
    return { workflowId: input.workflowId };
  },
  'workflow.import': async (input, { engine, caller, ctx }) => ({
    workflow: await engine.workflows.importFrom(caller, input.sourceWorkflowId, spaceIdOf(input, ctx)),
  }),
  'assignment.set': async (input, { engine, caller }) => {
    await engine.workflows.assign(caller, input.pageId, input.workflowId);
    return { pageId: input.pageId, workflowId: input.workflowId };
  },

  'changeSet.list': async (input, { engine, caller, ctx }) => {
    const page = await engine.changeSets.list(caller, {
      spaceId: spaceIdOf(input, ctx),
      status: input.status,
      rollupState: input.rollupState,
      cursor: input.cursor,
      limit: input.limit,
    });
    return { changeSets: page.items, nextCursor: page.nextCursor };
  },
  'changeSet.get': async (input, { engine, caller }) => ({
    changeSet: await engine.changeSets.get(caller, input.changeSetId),
  }),
  'changeSet.create': async (input, { engine, caller, ctx }) => {
    const { spaceId: _spaceId, ...fields } = input;
    return { changeSet: await engine.changeSets.create(caller, { ...fields, spaceId: spaceIdOf(input, ctx) }) };
  },
  'changeSet.update': async (input, { engine, caller }) => {
    const { changeSetId, ...fields } = input;
    return { changeSet: await engine.changeSets.update(caller, changeSetId, withoutUndefined(fields)) };
  },
  'changeSet.archive': async (input, { engine, caller }) => ({
    changeSet: await engine.changeSets.archive(caller, input.changeSetId),
  }),
  'changeSet.preflight': async (input, { engine, caller }) => engine.changeSets.preflight(caller, input.changeSetId),
  'changeSet.submit': async (input, { engine, caller }) => engine.changeSets.submit(caller, input.changeSetId),

  'analytics.summary': async (input, { engine, caller, ctx, options }) =>
    spaceAnalytics(engine, caller, spaceIdOf(input, ctx), (options.now ?? Date.now)()),

  'audit.list': async (input, { engine, caller }) => {
    const { cursor, limit, ...filter } = input;
    const page = await engine.audit.list(caller, withoutUndefined(filter), { cursor, limit });
    return { records: page.items, nextCursor: page.nextCursor };
  },
  'audit.verify': async (_input, { engine, caller }) => engine.audit.verify(caller),
  'audit.export': async (input, { engine, caller }) => ({
    format: input.format,
    content: await engine.audit.export(caller, withoutUndefined(input.filters ?? {}), input.format),
  }),
};

function invalid(issues: readonly z.core.$ZodIssue[]): ResolverFailure {
  // Same wording and detail shape as the REST API (one detail per bad or unknown field).
  return { success: false, error: 'The request is invalid; see details for each field.', code: 'INVALID_REQUEST', details: issuesToDetails(issues) };
}

function failure(key: string, err: unknown): ResolverFailure {
  if (err instanceof DomainError && err.kind !== 'internal') {
    return { success: false, error: err.message, code: err.code, ...(err.details?.length ? { details: err.details } : {}) };
  }
  if (err instanceof StoreError && err.code === 'RATE_LIMITED') {
    return { success: false, error: 'Too many requests right now; please retry shortly.', code: 'RATE_LIMITED' };
  }
  if (err instanceof StoreError && err.code === 'INVALID_CURSOR') {
    return { success: false, error: 'The cursor is not valid; start again without a cursor.', code: 'INVALID_CURSOR' };
  }
  // Log only the error's name and message (never the request/context, which may carry tokens).
  console.error(`resolver ${key} failed:`, err instanceof Error ? `${err.name}: ${err.message}` : typeof err);
  return { success: false, error: 'Something went wrong on our side. Please try again.', code: 'INTERNAL_ERROR' };
}

export function createResolverHandler(getEngine: EngineFactory, options: ResolverOptions = {}) {
  const resolver = new Resolver();
  for (const key of Object.keys(handlers) as ResolverKey[]) {
    resolver.define(key, async (req: { payload: unknown; context: Record<string, unknown> }) => {
      try {
        const accountId = req.context.accountId;
        if (typeof accountId !== 'string' || accountId.length === 0) {
          return { success: false, error: 'You must be logged in to do this.', code: 'UNAUTHENTICATED' } satisfies ResolverFailure;
        }
        const parsed = schemas[key].safeParse(req.payload ?? {});
        if (!parsed.success) return invalid(parsed.error.issues);
        const ctx = clientContext.safeParse(req.context);
        const env: Env = {
          engine: getEngine({ actingAccountId: accountId }),
          caller: { accountId, source: 'ui' },
          ctx: ctx.success ? ctx.data : {},
          options,
        };
        const run = handlers[key] as (input: unknown, env: Env) => Promise<object>;
        return { success: true, ...(await run(parsed.data, env)) };
      } catch (err) {
        return failure(key, err);
      }
    });
  }
  defineUiSupport(resolver, getEngine, failure, invalid); // ui.* keys (capabilities, chosen-workflow preflight, titles)
  return resolver.getDefinitions();
}
