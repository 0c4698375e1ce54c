/**
 * The REST route table: one entry per manifest `apiRoute` (test/api/routes-manifest.test.ts proves
 * they match exactly), each pairing its request/response schemas with its engine call. Handlers,
 * scope checks and the OpenAPI document are all built from this table.
 */
import type { z } from 'zod';
import type { Caller } from '../../core/domain/caller';
import type { PageApproval } from '../../core/domain/model';
import type { TxOp } from '../../core/ports/store';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { Engine } from '../../core/services/engine';
import type { Pager } from '../shared/edge';
import { preflightPage, submitPage } from '../shared/page-ops';
import {
  ChangeSetCreateBody,
  ChangeSetDetailQuery,
  ChangeSetIdBody,
  ChangeSetListResponse,
  ChangeSetPreflightResponse,
  ChangeSetResponse,
  ChangeSetSubmitResponse,
  ChangeSetUpdateBody,
  ListChangeSetsQuery,
  PagePreflightBody,
  PagePreflightResponse,
  PageStatusQuery,
  PageStatusResponse,
  PageSubmitBody,
  PageSubmitResponse,
} from './schemas';

export type ApiScope = 'read:change-set:custom' | 'write:change-set:custom' | 'read:approval:custom' | 'write:approval:custom';

/** The Forge product scope every 3LO token for app REST APIs must also carry. */
export const FORGE_APP_SCOPE = 'read:forge-app:confluence';

/** What an executor gets besides its validated input. */
export interface RouteContext {
  engine: Engine;
  caller: Caller;
  /** set when the request carries an Idempotency-Key (see IdempotencyStore) */
  requestToken?: string;
  /**
   * Set with an Idempotency-Key: the ops that record `data` as this request's answer. An executor
   * whose engine call can commit them with its change passes them on; the handler then writes no
   * separate completion.
   */
  answerRecord?: (data: Record<string, unknown>) => TxOp[];
  /** seals/opens cursors bound to this route, the caller and `query` */
  pager(query: Record<string, unknown> & { cursor?: string }): Pager;
}

/** One route: its schemas and the one engine call behind it, paired so the compiler checks both. */
export interface ApiRouteDefinition<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** manifest apiRoute key (also what the platform sends as request.context.moduleKey) */
  key: string;
  method: 'GET' | 'POST';
  /** path as declared in the manifest */
  path: string;
  scope: ApiScope;
  /** manifest function module key */
  functionKey: string;
  /** export of src/index.ts named by the function module's handler (index.<exportName>) */
  exportName: string;
  operationId: string;
  summary: string;
  request: { in: 'query' | 'body'; schema: Req; name: string };
  /** an allow-list: the executor's result is parsed with it, so nothing else leaks */
  response: { schema: Res; name: string; status: 200 | 201 };
  /** writes state: honours Idempotency-Key and counts against the write rate limits */
  writes: boolean;
  // Returns the answer without its `success: true` (the handler adds the envelope).
  // Method syntax on purpose: a concrete route must be assignable to the erased ApiRoute.
  execute(context: RouteContext, input: z.output<Req>): Promise<Omit<z.input<Res>, 'success'>>;
}

export type ApiRoute = ApiRouteDefinition;

export function defineRoute<const K extends string, const E extends string, Req extends z.ZodType, Res extends z.ZodType>(
  route: ApiRouteDefinition<Req, Res> & { key: K; exportName: E },
): ApiRouteDefinition<Req, Res> & { key: K; exportName: E } {
  return route;
}

export const API_ROUTES = [
  defineRoute({
    key: 'changesets-list',
    method: 'GET',
    path: '/changeSets',
    scope: 'read:change-set:custom',
    functionKey: 'api-changesets-list',
    exportName: 'apiChangeSetsList',
    operationId: 'listChangeSets',
    summary: 'List the change sets of a space, newest first, with filters and paging.',
    request: { in: 'query', schema: ListChangeSetsQuery, name: 'ListChangeSetsQuery' },
    response: { schema: ChangeSetListResponse, name: 'ChangeSetListResponse', status: 200 },
    writes: false,
    execute: async ({ engine, caller, pager }, q) => {
      const pages = pager(q);
      const page = await engine.changeSets.list(caller, { ...q, cursor: await pages.open(), limit: q.limit ?? L.listPage.default });
      return { changeSets: page.items, nextCursor: (await pages.seal(page.nextCursor)) ?? null };
    },
  }),
  defineRoute({
    key: 'changeset-detail',
    method: 'GET',
    path: '/changeSets/detail',
    scope: 'read:change-set:custom',
    functionKey: 'api-changeset-detail',
    exportName: 'apiChangeSetDetail',
    operationId: 'getChangeSet',
    summary: 'Read one change set with its roll-up state and per-page approval state.',
    request: { in: 'query', schema: ChangeSetDetailQuery, name: 'ChangeSetDetailQuery' },
    response: { schema: ChangeSetResponse, name: 'ChangeSetResponse', status: 200 },
    writes: false,
    execute: async ({ engine, caller }, q) => ({ changeSet: await engine.changeSets.get(caller, q.changeSetId) }),
  }),
  defineRoute({
    key: 'changeset-create',
    method: 'POST',
    path: '/changeSets',
    scope: 'write:change-set:custom',
    functionKey: 'api-changeset-create',
    exportName: 'apiChangeSetCreate',
    operationId: 'createChangeSet',
    summary: 'Create a change set grouping pages of one space. Submits nothing.',
    request: { in: 'body', schema: ChangeSetCreateBody, name: 'ChangeSetCreateRequest' },
    response: { schema: ChangeSetResponse, name: 'ChangeSetResponse', status: 201 },
    writes: true,
    execute: async ({ engine, caller, requestToken }, b) => ({
      changeSet: await engine.changeSets.create(caller, b, requestToken ? { requestToken } : {}),
    }),
  }),
  defineRoute({
    key: 'changeset-update',
    method: 'POST',
    path: '/changeSets/update',
    scope: 'write:change-set:custom',
    functionKey: 'api-changeset-update',
    exportName: 'apiChangeSetUpdate',
    operationId: 'updateChangeSet',
    summary: 'Update an open change set; pageRefs replaces the list; expectedVersion guards lost updates.',
    request: { in: 'body', schema: ChangeSetUpdateBody, name: 'ChangeSetUpdateRequest' },
    response: { schema: ChangeSetResponse, name: 'ChangeSetResponse', status: 200 },
    writes: true,
    execute: async ({ engine, caller }, { changeSetId, ...patch }) => ({ changeSet: await engine.changeSets.update(caller, changeSetId, patch) }),
  }),
  defineRoute({
    key: 'changeset-archive',
    method: 'POST',
    path: '/changeSets/archive',
    scope: 'write:change-set:custom',
    functionKey: 'api-changeset-archive',
    exportName: 'apiChangeSetArchive',
    operationId: 'archiveChangeSet',
    summary: 'Archive a change set (read-only afterwards). Refused while a page submitted through it is pending.',
    request: { in: 'body', schema: ChangeSetIdBody, name: 'ChangeSetIdRequest' },
    response: { schema: ChangeSetResponse, name: 'ChangeSetResponse', status: 200 },
    writes: true,
    execute: async ({ engine, caller }, b) => ({ changeSet: await engine.changeSets.archive(caller, b.changeSetId) }),
  }),
  defineRoute({
    key: 'changeset-preflight',
    method: 'POST',
    path: '/changeSets/preflight',
    scope: 'read:change-set:custom',
    functionKey: 'api-changeset-preflight',
    exportName: 'apiChangeSetPreflight',
    operationId: 'preflightChangeSet',
    summary: 'Check which pages of a change set can be submitted, and why not. Writes nothing.',
    request: { in: 'body', schema: ChangeSetIdBody, name: 'ChangeSetIdRequest' },
    response: { schema: ChangeSetPreflightResponse, name: 'ChangeSetPreflightResponse', status: 200 },
    writes: false,
    execute: async ({ engine, caller }, b) => engine.changeSets.preflight(caller, b.changeSetId),
  }),
  defineRoute({
    key: 'changeset-submit',
    method: 'POST',
    path: '/changeSets/submit',
    scope: 'write:change-set:custom',
    functionKey: 'api-changeset-submit',
    exportName: 'apiChangeSetSubmit',
    operationId: 'submitChangeSet',
    summary: 'Submit every eligible page of a change set; ineligible pages are skipped with their reason.',
    request: { in: 'body', schema: ChangeSetIdBody, name: 'ChangeSetIdRequest' },
    response: { schema: ChangeSetSubmitResponse, name: 'ChangeSetSubmitResponse', status: 200 },
    writes: true,
    execute: async ({ engine, caller }, b) => engine.changeSets.submit(caller, b.changeSetId),
  }),
  defineRoute({
    key: 'page-preflight',
    method: 'POST',
    path: '/pages/preflight',
    scope: 'read:approval:custom',
    functionKey: 'api-page-preflight',
    exportName: 'apiPagePreflight',
    operationId: 'preflightPage',
    summary: 'Check whether one page can be submitted for approval. Writes nothing.',
    request: { in: 'body', schema: PagePreflightBody, name: 'PagePreflightRequest' },
    response: { schema: PagePreflightResponse, name: 'PagePreflightResponse', status: 200 },
    writes: false,
    execute: async ({ engine, caller }, b) => preflightPage(engine, caller, b.pageId, b.workflowId),
  }),
  defineRoute({
    key: 'page-submit',
    method: 'POST',
    path: '/pages/submit',
    scope: 'write:approval:custom',
    functionKey: 'api-page-submit',
    exportName: 'apiPageSubmit',
    operationId: 'submitPage',
    summary: 'Submit one page (its current version) for approval; 409 with the eligibility code when it cannot be.',
    request: { in: 'body', schema: PageSubmitBody, name: 'PageSubmitRequest' },
    response: { schema: PageSubmitResponse, name: 'PageSubmitResponse', status: 201 },
    writes: true,
    execute: async ({ engine, caller, answerRecord }, b) => {
      const answer = (a: PageApproval) => ({ pageId: a.pageId, approvalId: a.id, workflowId: a.workflowId, status: a.status });
      // keyed: the recorded answer commits with the submission (no write of its own after it)
      const approval = await submitPage(engine, caller, b.pageId, b.workflowId, answerRecord ? { alongside: (a) => answerRecord(answer(a)) } : undefined);
      return answer(approval);
    },
  }),
  defineRoute({
    key: 'page-status',
    method: 'GET',
    path: '/pages/status',
    scope: 'read:approval:custom',
    functionKey: 'api-page-status',
    exportName: 'apiPageStatus',
    operationId: 'getPageStatus',
    summary: 'Approval state of one page: state, versions, stale flag, pending approval with its active step.',
    request: { in: 'query', schema: PageStatusQuery, name: 'PageStatusQuery' },
    response: { schema: PageStatusResponse, name: 'PageStatusResponse', status: 200 },
    writes: false,
    execute: async ({ engine, caller }, q) => engine.approvals.pageStatus(caller, q.pageId),
  }),
] as const;

export type ApiExportName = (typeof API_ROUTES)[number]['exportName'];
export type ApiRouteKey = (typeof API_ROUTES)[number]['key'];

export const ROUTES_BY_KEY: ReadonlyMap<string, ApiRoute> = new Map(API_ROUTES.map((r) => [r.key, r]));
