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
import { pageShard } from '../../core/domain/page-shard';
import { FEED_CURSOR_MAX_AGE_MS, sealedResultPage, type ListCursor } from '../shared/edge';
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
  KeysQuery,
  KeysResponse,
  EvidenceQuery,
  EvidenceChunkResponse,
  PageSubmitBody,
  PageSubmitResponse,
} from './schemas';
import { EventListResponse, EventsQuery } from './event-schemas';

export type ApiScope = 'read:change-set:custom' | 'write:change-set:custom' | 'read:approval:custom' | 'write:approval:custom' | 'read:event:custom';

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
  /**
   * Instead of answerRecord, for a route with `claimWithChange`: the same ops, asked for in the
   * change's transaction planning (again after a conflict, read afresh).
   */
  answerWithChange?: (data: Record<string, unknown>) => Promise<TxOp[]>;
  /** seals/opens cursors bound to this route, the caller and `query` */
  listCursor: (query: Record<string, unknown> & { cursor?: string }, options?: { maxAgeMs?: number }) => ListCursor;
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
  /** the route whose idempotency keys this one shares (an alias path of the same operation), else its own key */
  idempotencyScope: string;
  /**
   * Its whole effect is ONE transaction that carries its keyed answer (answerWithChange): a keyed
   * request writes no in-progress marker of its own (issue 23: one round trip less; IdempotencyStore.beginWithChange).
   */
  claimWithChange?: true;
  /** with claimWithChange: the pending-count shard the change writes, where its rate-limit count goes too (RateLimiter.writeOps); method syntax: assignable to the erased ApiRoute */
  counterSlot?(input: z.output<Req>): number;
  /** an older path kept for compatibility: documented, marked deprecated in the OpenAPI document */
  aliasOf?: string;
  // Returns the answer without its `success: true` (the handler adds the envelope).
  // Method syntax on purpose: a concrete route must be assignable to the erased ApiRoute.
  execute: (context: RouteContext, input: z.output<Req>) => Promise<Omit<z.input<Res>, 'success'>>;
}

export type ApiRoute = ApiRouteDefinition;

/**
 * A route as written in the table: the manifest's function key is `api-<key>`, a GET reads its
 * input from the query and a POST from the body, so neither is written twice.
 */
interface RouteSpec<K extends string, E extends string, Req extends z.ZodType, Res extends z.ZodType> {
  key: K;
  exportName: E;
  /** `METHOD /path`, the path as declared in the manifest */
  endpoint: `${ApiRoute['method']} /${string}`;
  scope: ApiScope;
  writes: boolean;
  /** an alias path of another route (same operation, same idempotency keys) */
  aliasOf?: string;
  /** see ApiRouteDefinition.claimWithChange and counterSlot */
  claimWithChange?: true;
  counterSlot?: (input: z.output<Req>) => number;
  operationId: string;
  summary: string;
  /** the input schema and its OpenAPI name */
  request: readonly [schema: Req, name: string];
  response: readonly [schema: Res, name: string, status: 200 | 201];
  execute: (context: RouteContext, input: z.output<Req>) => Promise<Omit<z.input<Res>, 'success'>>;
}

export function defineRoute<const K extends string, const E extends string, Req extends z.ZodType, Res extends z.ZodType>(
  spec: RouteSpec<K, E, Req, Res>,
): ApiRouteDefinition<Req, Res> & { key: K; exportName: E } {
  const method = spec.endpoint.startsWith('GET ') ? 'GET' : 'POST';
  const [requestSchema, requestName] = spec.request;
  const [responseSchema, responseName, status] = spec.response;
  return {
    key: spec.key,
    method,
    path: spec.endpoint.slice(method.length + 1),
    scope: spec.scope,
    functionKey: `api-${spec.key}`,
    exportName: spec.exportName,
    operationId: spec.operationId,
    summary: spec.summary,
    request: { in: method === 'GET' ? 'query' : 'body', schema: requestSchema, name: requestName },
    response: { schema: responseSchema, name: responseName, status },
    writes: spec.writes,
    idempotencyScope: spec.aliasOf ?? spec.key,
    ...(spec.aliasOf ? { aliasOf: spec.aliasOf } : {}),
    ...(spec.claimWithChange ? { claimWithChange: true as const } : {}),
    ...(spec.counterSlot ? { counterSlot: spec.counterSlot } : {}),
    execute: spec.execute,
  };
}

/** One engine call for both change-set create paths: `/changeSets/create` and its alias `/changeSets`. */
const createChangeSet = async ({ engine, caller, requestToken }: RouteContext, b: z.output<typeof ChangeSetCreateBody>) => ({
  changeSet: await engine.changeSets.create(caller, b, requestToken ? { requestToken } : {}),
});

export const API_ROUTES = [
  defineRoute({
    key: 'changesets-list', endpoint: 'GET /changeSets', exportName: 'apiChangeSetsList', scope: 'read:change-set:custom', writes: false,
    operationId: 'listChangeSets', summary: 'List the change sets of a space, newest first, with filters and paging.',
    request: [ListChangeSetsQuery, 'ListChangeSetsQuery'], response: [ChangeSetListResponse, 'ChangeSetListResponse', 200],
    execute: async ({ engine, caller, listCursor }, q) => {
      const page = await sealedResultPage(listCursor(q), (cursor) => engine.changeSets.list(caller, { ...q, cursor, limit: q.limit ?? L.listPage.default }));
      return { changeSets: page.items, nextCursor: page.nextCursor ?? null };
    },
  }),
  defineRoute({
    key: 'changeset-detail', endpoint: 'GET /changeSets/detail', exportName: 'apiChangeSetDetail', scope: 'read:change-set:custom', writes: false,
    operationId: 'getChangeSet', summary: 'Read one change set with its roll-up state and per-page approval state.',
    request: [ChangeSetDetailQuery, 'ChangeSetDetailQuery'], response: [ChangeSetResponse, 'ChangeSetResponse', 200],
    execute: async ({ engine, caller }, q) => ({ changeSet: await engine.changeSets.get(caller, q.changeSetId) }),
  }),
  // Its own path, so no path carries two scopes (GET /changeSets reads with another scope).
  defineRoute({
    key: 'changeset-create', endpoint: 'POST /changeSets/create', exportName: 'apiChangeSetCreate', scope: 'write:change-set:custom', writes: true,
    operationId: 'createChangeSet', summary: 'Create a change set grouping pages of one space. Submits nothing.',
    request: [ChangeSetCreateBody, 'ChangeSetCreateRequest'], response: [ChangeSetResponse, 'ChangeSetResponse', 201],
    execute: createChangeSet,
  }),
  defineRoute({
    key: 'changesets-post', endpoint: 'POST /changeSets', exportName: 'apiChangeSetCreateAlias', scope: 'write:change-set:custom', writes: true,
    aliasOf: 'changeset-create',
    operationId: 'createChangeSetAlias', summary: 'Alias of POST /changeSets/create (same body, answer and idempotency keys); kept for existing integrations.',
    request: [ChangeSetCreateBody, 'ChangeSetCreateRequest'], response: [ChangeSetResponse, 'ChangeSetResponse', 201],
    execute: createChangeSet,
  }),
  defineRoute({
    key: 'changeset-update', endpoint: 'POST /changeSets/update', exportName: 'apiChangeSetUpdate', scope: 'write:change-set:custom', writes: true,
    operationId: 'updateChangeSet', summary: 'Update an open change set; pageRefs replaces the list; expectedVersion guards lost updates.',
    request: [ChangeSetUpdateBody, 'ChangeSetUpdateRequest'], response: [ChangeSetResponse, 'ChangeSetResponse', 200],
    execute: async ({ engine, caller }, { changeSetId, ...patch }) => ({ changeSet: await engine.changeSets.update(caller, changeSetId, patch) }),
  }),
  defineRoute({
    key: 'changeset-archive', endpoint: 'POST /changeSets/archive', exportName: 'apiChangeSetArchive', scope: 'write:change-set:custom', writes: true,
    operationId: 'archiveChangeSet', summary: 'Archive a change set (read-only afterwards). Refused while a page submitted through it is pending.',
    request: [ChangeSetIdBody, 'ChangeSetIdRequest'], response: [ChangeSetResponse, 'ChangeSetResponse', 200],
    execute: async ({ engine, caller }, b) => ({ changeSet: await engine.changeSets.archive(caller, b.changeSetId) }),
  }),
  defineRoute({
    key: 'changeset-preflight', endpoint: 'POST /changeSets/preflight', exportName: 'apiChangeSetPreflight', scope: 'read:change-set:custom', writes: false,
    operationId: 'preflightChangeSet', summary: 'Check which pages of a change set can be submitted, and why not. Writes nothing.',
    request: [ChangeSetIdBody, 'ChangeSetIdRequest'], response: [ChangeSetPreflightResponse, 'ChangeSetPreflightResponse', 200],
    execute: async ({ engine, caller }, b) => engine.changeSets.preflight(caller, b.changeSetId),
  }),
  defineRoute({
    key: 'changeset-submit', endpoint: 'POST /changeSets/submit', exportName: 'apiChangeSetSubmit', scope: 'write:change-set:custom', writes: true,
    operationId: 'submitChangeSet', summary: 'Submit every eligible page of a change set; ineligible pages are skipped with their reason.',
    request: [ChangeSetIdBody, 'ChangeSetIdRequest'], response: [ChangeSetSubmitResponse, 'ChangeSetSubmitResponse', 200],
    // keyed: the recorded answer commits with the submit's final transaction; a re-run after a crash finds its own pages
    execute: async ({ engine, caller, requestToken, answerRecord }, b) =>
      engine.changeSets.submit(caller, b.changeSetId, { ...(requestToken ? { requestToken } : {}), ...(answerRecord ? { alongside: answerRecord } : {}) }),
  }),
  defineRoute({
    key: 'page-preflight', endpoint: 'POST /pages/preflight', exportName: 'apiPagePreflight', scope: 'read:approval:custom', writes: false,
    operationId: 'preflightPage', summary: 'Check whether one page can be submitted for approval. Writes nothing.',
    request: [PagePreflightBody, 'PagePreflightRequest'], response: [PagePreflightResponse, 'PagePreflightResponse', 200],
    execute: async ({ engine, caller }, b) => engine.approvals.preflightPage(caller, b.pageId, b.workflowId),
  }),
  defineRoute({
    key: 'page-submit', endpoint: 'POST /pages/submit', exportName: 'apiPageSubmit', scope: 'write:approval:custom', writes: true, claimWithChange: true,
    counterSlot: (b) => pageShard(b.pageId),
    operationId: 'submitPage', summary: 'Submit one page (its current version) for approval; 409 with the eligibility code when it cannot be.',
    request: [PageSubmitBody, 'PageSubmitRequest'], response: [PageSubmitResponse, 'PageSubmitResponse', 201],
    execute: async ({ engine, caller, answerWithChange }, b) => {
      const answer = (a: PageApproval) => ({ pageId: a.pageId, approvalId: a.id, workflowId: a.workflowId, status: a.status, ...(a.routedBy ? { routedBy: a.routedBy } : {}) });
      // keyed: the recorded answer (and the key's claim) commits with the submission
      const approval = await engine.approvals.submitPage(caller, b.pageId, b.workflowId, answerWithChange ? { alongside: (a) => answerWithChange(answer(a)) } : undefined);
      return answer(approval);
    },
  }),
  defineRoute({
    key: 'page-status', endpoint: 'GET /pages/status', exportName: 'apiPageStatus', scope: 'read:approval:custom', writes: false,
    operationId: 'getPageStatus', summary: 'Approval state of one page: state, versions, stale flag, pending approval with its active step; for an approved page its signed approvalReceipt.',
    request: [PageStatusQuery, 'PageStatusQuery'], response: [PageStatusResponse, 'PageStatusResponse', 200],
    execute: async ({ engine, caller }, q) => {
      const status = await engine.approvals.pageStatus(caller, q.pageId);
      // SPEC 5a: an approved page carries its signed receipt (the panel's download composes it the same way: evidence/page-receipt.ts)
      const receipt = status.state === 'approved' ? await engine.evidence.receipt(caller, status) : undefined;
      return { ...status, ...(receipt ? { approvalReceipt: receipt } : {}) };
    },
  }),
  defineRoute({
    key: 'keys', endpoint: 'GET /keys', exportName: 'apiKeys', scope: 'read:approval:custom', writes: false,
    operationId: 'getSigningKeys', summary: "The installation's public Ed25519 keys (SPKI PEM) that sign approval receipts, checkpoints and evidence packs.",
    request: [KeysQuery, 'KeysQuery'], response: [KeysResponse, 'KeysResponse', 200],
    execute: async ({ engine, caller }) => ({ keys: await engine.evidence.keys(caller) }),
  }),
  defineRoute({
    key: 'evidence', endpoint: 'GET /evidence', exportName: 'apiEvidence', scope: 'read:approval:custom', writes: false,
    operationId: 'getEvidenceChunk', summary: 'One chunk of an evidence pack for a page, change set or approval (site and space admins); follow nextCursor, then join the chunks.',
    request: [EvidenceQuery, 'EvidenceQuery'], response: [EvidenceChunkResponse, 'EvidenceChunkResponse', 200],
    execute: async ({ engine, caller, listCursor }, q) => {
      const scope = q.pageId !== undefined ? { pageId: q.pageId } : q.changeSetId !== undefined ? { changeSetId: q.changeSetId } : { approvalId: q.approvalId! };
      const sealed = listCursor({ ...scope, cursor: q.cursor });
      const { nextCursor, ...chunk } = await engine.evidence.export(caller, scope, await sealed.open());
      const next = await sealed.seal(nextCursor);
      return { ...chunk, ...(next ? { nextCursor: next } : {}) };
    },
  }),
  defineRoute({
    key: 'events-list', endpoint: 'GET /events', exportName: 'apiEventsList', scope: 'read:event:custom', writes: false,
    operationId: 'listEvents', summary: 'The event feed: approval state changes oldest first, in the spaces the caller can view; poll with nextCursor.',
    request: [EventsQuery, 'EventsQuery'], response: [EventListResponse, 'EventListResponse', 200],
    execute: async ({ engine, caller, listCursor }, q) => {
      // the feed's cursor lives as long as the events (the engine answers 410 past retention)
      const paging = listCursor(q, { maxAgeMs: FEED_CURSOR_MAX_AGE_MS });
      const page = await engine.events.list(caller, { ...q, cursor: await paging.open(), limit: q.limit ?? L.listPage.default });
      return { events: page.events, nextCursor: (await paging.seal(page.nextCursor)) ?? '' };
    },
  }),
] as const;

export type ApiExportName = (typeof API_ROUTES)[number]['exportName'];
export type ApiRouteKey = (typeof API_ROUTES)[number]['key'];

export const ROUTES_BY_KEY: ReadonlyMap<string, ApiRoute> = new Map(API_ROUTES.map((r) => [r.key, r]));
