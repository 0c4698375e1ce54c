/** Validates handler responses against the committed OpenAPI document (docs/openapi.json) with ajv (draft 2020-12). */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import openapi from '../../docs/openapi.json';
import { ROUTES_BY_KEY } from '../../src/transport/api/routes';
import type { CallResult } from './helpers';

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi', components: openapi.components });

const cache = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let fn = cache.get(ref);
  if (!fn) {
    fn = ajv.getSchema(`openapi${ref}`);
    if (!fn) throw new Error(`no schema ${ref}`);
    cache.set(ref, fn);
  }
  return fn;
}

type Operation = { responses: Record<string, { content: { 'application/json': { schema: { $ref: string } } } }> };

/** Throws with the ajv errors unless the response's status is documented for the route and its body matches. */
export function assertMatchesOpenApi(routeKey: string, res: CallResult): void {
  const route = ROUTES_BY_KEY.get(routeKey)!;
  const op = (openapi.paths as unknown as Record<string, Record<string, Operation>>)[route.path][route.method.toLowerCase()];
  const documented = op.responses[String(res.status)];
  if (!documented) throw new Error(`${routeKey}: status ${res.status} is not documented (body ${res.raw.body.slice(0, 200)})`);
  const validate = validatorFor(documented.content['application/json'].schema.$ref);
  if (!validate(res.json)) {
    throw new Error(`${routeKey} ${res.status}: body does not match ${documented.content['application/json'].schema.$ref}: ${ajv.errorsText(validate.errors)}\n${res.raw.body.slice(0, 500)}`);
  }
}

/** The error envelope schema alone (for fuzzing). */
export function isErrorEnvelope(json: unknown): boolean {
  return validatorFor('#/components/schemas/ErrorResponse')(json);
}
