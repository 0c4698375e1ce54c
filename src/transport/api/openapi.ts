/**
 * Builds the OpenAPI 3.1 document from the route table and the SAME zod schemas the handlers validate
 * with (z.toJSONSchema), so the published contract cannot drift from the code. scripts/generate-openapi.ts
 * writes it to docs/openapi.json; a test fails when the committed file is stale.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../core/domain/errors';
import { IDEMPOTENCY_QUERY_PARAMETER } from './handler';
import { FIELD_LIMITS } from '../../core/domain/limits';
import { API_ROUTES, FORGE_APP_SCOPE, type ApiRoute, type ApiScope } from './routes';
import { REQUEST_BODY_SCHEMAS, RESPONSE_SCHEMAS as CORE_RESPONSE_SCHEMAS } from './schemas';
import { EVENT_RESPONSE_SCHEMAS } from './event-schemas';

const RESPONSE_SCHEMAS = { ...CORE_RESPONSE_SCHEMAS, ...EVENT_RESPONSE_SCHEMAS };

type Json = Record<string, unknown>;

export const API_VERSION = '1.0.0';
const REF = (name: string) => `#/components/schemas/${name}`;

/** Mirrors custom-scopes.yaml (a test keeps them equal). */
export const SCOPE_DESCRIPTIONS: Record<ApiScope | typeof FORGE_APP_SCOPE, string> = {
  'read:change-set:custom': 'List and read change sets with their roll-up state, and preflight them through the ApprovalFlow REST API.',
  'write:change-set:custom': 'Create, update, archive and submit change sets for approval through the ApprovalFlow REST API.',
  'read:approval:custom': 'Read the approval state of pages and preflight page submissions through the ApprovalFlow REST API.',
  'write:approval:custom': 'Submit pages for approval through the ApprovalFlow REST API.',
  'read:event:custom': 'Follow the ApprovalFlow event feed (approval state changes) of the spaces you can view through the ApprovalFlow REST API.',
  [FORGE_APP_SCOPE]: 'Required by Atlassian on every token that calls a Forge app REST API.',
};

const ERROR_LEADS: Record<number, string> = {
  400: 'Invalid input; details name each bad field',
  401: 'No Atlassian user could be resolved from the invocation',
  403: 'Not allowed',
  404: 'Unknown object, or one you cannot see (the same answer)',
  405: 'Wrong HTTP method',
  409: 'State conflict, or the page is not eligible (its eligibility code)',
  413: 'Too large: a body over 256 KiB, or a request more than one invocation can serve',
  415: 'Body is not application/json',
  422: 'Idempotency-Key reused with a different body',
  429: 'Throttled; retry after the Retry-After header (see docs/api.md "Rate limits")',
  500: 'Internal error; no internals are disclosed',
  503: 'A dependency is unavailable; retry after the Retry-After header',
};

/** The lead sentence plus every public code of the one registry (core/domain/errors.ts) with that status. */
function errorDescription(status: number): string {
  const codes = Object.entries(ERROR_CODES)
    .filter(([, info]) => info.status === status && !('internal' in info))
    .map(([code]) => code);
  return `${ERROR_LEADS[status] ?? 'Error'}: ${codes.join(', ')}.`;
}

/** Drops the per-schema $schema/$id zod adds: inside an OpenAPI document they would re-base the refs. */
function componentSchemas(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: REF }).schemas as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(generated)) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    out[id] = rest;
  }
  return out;
}

function queryParameters(route: ApiRoute): Json[] {
  const schema = z.toJSONSchema(route.request.schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...propSchema } = prop;
    return { name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: propSchema };
  });
}

function errorStatuses(route: ApiRoute): number[] {
  const statuses = [400, 401, 403, 404, 405];
  if (route.method === 'POST') statuses.push(409, 413, 415);
  if (route.writes) statuses.push(422);
  statuses.push(429, 500, 503);
  return [...new Set(statuses)].sort((a, b) => a - b);
}

function jsonContent(ref: string): Json {
  return { 'application/json': { schema: { $ref: ref } } };
}

function operation(route: ApiRoute): Json {
  const parameters: Json[] = route.request.in === 'query' ? queryParameters(route) : [];
  if (route.writes) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Any unique string (a UUID is best). A retry with the same key and body within 24 h replays the first response and does nothing else; a different body → 422.',
      schema: { type: 'string', minLength: 1, maxLength: FIELD_LIMITS.idempotencyKey.max, pattern: '^[\\x21-\\x7e]+$' },
    });
    parameters.push({
      name: IDEMPOTENCY_QUERY_PARAMETER,
      in: 'query',
      required: false,
      description:
        'The same key as a query parameter, for when the platform does not forward request headers (the Forge gateway is not documented to). Same rules; header and parameter both present and different → 400. A replayed body says "replayed": true.',
      schema: { type: 'string', minLength: 1, maxLength: FIELD_LIMITS.idempotencyKey.max, pattern: '^[\\x21-\\x7e]+$' },
    });
  }
  const responses: Json = {
    [String(route.response.status)]: { description: route.response.status === 201 ? 'Created.' : 'OK.', content: jsonContent(REF(route.response.name)) },
  };
  for (const status of errorStatuses(route)) {
    const headers = status === 429 || status === 503 ? { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } : undefined;
    responses[String(status)] = { description: errorDescription(status), ...(headers ? { headers } : {}), content: jsonContent(REF('ErrorResponse')) };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.aliasOf ? { deprecated: true } : {}),
    'x-forge-route-key': route.key,
    security: [{ oauth2: [route.scope, FORGE_APP_SCOPE] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.request.in === 'body' ? { requestBody: { required: true, content: jsonContent(REF(route.request.name)) } } : {}),
    responses,
  };
}

export function buildOpenApiDocument(options: { appId: string }): Json {
  for (const route of API_ROUTES) {
    const responseSchema = (RESPONSE_SCHEMAS as Record<string, z.ZodType>)[route.response.name];
    const bodySchema = (REQUEST_BODY_SCHEMAS as Record<string, z.ZodType>)[route.request.name];
    if (responseSchema !== route.response.schema) throw new Error(`route ${route.key}: response component ${route.response.name} is not its schema`);
    if (route.request.in === 'body' && bodySchema !== route.request.schema) throw new Error(`route ${route.key}: request component ${route.request.name} is not its schema`);
  }
  const paths: Record<string, Json> = {};
  for (const route of API_ROUTES) {
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation(route) };
  }
  const appIdVar = { default: options.appId, description: 'App id: the UUID at the end of app.id in manifest.yml.' };
  const envIdVar = { default: 'ENV_ID', description: 'Environment id (Developer Console, or `forge environments list`).' };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'ApprovalFlow REST API',
      version: API_VERSION,
      description:
        'Change sets and page approvals for Confluence Cloud, exposed as Forge app REST APIs (apiRoute). ' +
        'Authenticate with an Atlassian 3LO token that carries the operation scope and read:forge-app:confluence. ' +
        'The caller is the 3LO user; no operation accepts a user id. See docs/api.md.',
    },
    servers: [
      {
        url: 'https://api.atlassian.com/svc/confluence/{cloudId}/apps/{appId}_{envId}',
        description: 'Atlassian API gateway',
        variables: { cloudId: { default: 'CLOUD_ID', description: 'From GET https://<site>.atlassian.net/_edge/tenant_info.' }, appId: appIdVar, envId: envIdVar },
      },
      {
        url: 'https://{site}.atlassian.net/gateway/api/svc/confluence/apps/{appId}_{envId}',
        description: 'Through the site',
        variables: { site: { default: 'your-site', description: 'Site name.' }, appId: appIdVar, envId: envIdVar },
      },
    ],
    security: [{ oauth2: [FORGE_APP_SCOPE] }],
    paths,
    components: {
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'Atlassian OAuth 2.0 (3LO). Custom scopes are defined by the app in custom-scopes.yaml.',
          flows: {
            authorizationCode: {
              authorizationUrl: 'https://auth.atlassian.com/authorize',
              tokenUrl: 'https://auth.atlassian.com/oauth/token',
              scopes: SCOPE_DESCRIPTIONS,
            },
          },
        },
      },
      schemas: { ...componentSchemas(REQUEST_BODY_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
    },
  };
}
