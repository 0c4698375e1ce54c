/**
 * The REST route table: one entry per manifest `apiRoute` (test/api/routes-manifest.test.ts proves
 * they match exactly). Handlers, scope checks and the OpenAPI document are all built from this table.
 */
import type { z } from 'zod';
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

export interface ApiRoute {
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
  request: { in: 'query' | 'body'; schema: z.ZodType; name: string };
  response: { schema: z.ZodType; name: string; status: 200 | 201 };
  /** writes state: honours Idempotency-Key */
  writes: boolean;
}

export const API_ROUTES = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
] as const satisfies readonly ApiRoute[];

export type ApiExportName = (typeof API_ROUTES)[number]['exportName'];
export type ApiRouteKey = (typeof API_ROUTES)[number]['key'];

export const ROUTES_BY_KEY: ReadonlyMap<string, ApiRoute> = new Map(API_ROUTES.map((r) => [r.key, r]));
