/**
 * POST /local/invoke: what the Forge host does for @forge/bridge invoke(): calls the resolver
 * function (the real @forge/resolver definitions) with the client context and the platform's
 * principal, and hands back the resolver's return value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { LOCAL_INSTALL_CONTEXT } from '../app';
import type { RuntimeContext } from './context';
import { invokeWithinLimit } from './gateway';
import { parseJsonObject, readBody, sendError, sendJson } from './http';

/** Forge's invoke() payload limit. */
const INVOKE_BODY_LIMIT = 500 * 1024;

const InvokeSchema = z.strictObject({
  moduleKey: z.string().min(1).max(255),
  functionKey: z.string().min(1).max(255),
  payload: z.record(z.string(), z.unknown()).optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
  localId: z.string().max(255).optional(),
});

export async function handleInvoke(ctx: RuntimeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const accountId = req.headers['x-local-account-id'];
  if (typeof accountId !== 'string' || !ctx.isUser(accountId)) {
    return sendError(res, 401, 'UNAUTHENTICATED', 'X-Local-Account-Id must name a user of the local site.');
  }
  const parsed = InvokeSchema.safeParse(parseJsonObject(await readBody(req, INVOKE_BODY_LIMIT)));
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', reason: issue.message }));
    return sendJson(res, 400, { success: false, code: 'INVALID_REQUEST', error: 'The invoke request is invalid.', details });
  }
  const { moduleKey, functionKey, payload, extension, localId } = parsed.data;
  if (!ctx.manifest.uiModules.some((module) => module.key === moduleKey)) {
    return sendError(res, 400, 'UNKNOWN_MODULE', `The app has no Custom UI module ${moduleKey}.`);
  }

  const outcome = await invokeWithinLimit(
    ctx.app.resolver as (payload: unknown, context: unknown) => Promise<unknown>,
    {
      call: { functionKey, payload },
      context: {
        extension: extension ?? {},
        moduleKey,
        localId: localId ?? moduleKey,
        cloudId: ctx.info.cloudId,
        siteUrl: ctx.info.siteUrl,
        environmentId: ctx.info.environmentId,
        environmentType: 'DEVELOPMENT',
      },
    },
    // @forge/resolver copies principal, installContext and license into the resolver's context
    { principal: { accountId }, installContext: LOCAL_INSTALL_CONTEXT, license: { isActive: ctx.site.licenseActive } },
    ctx.invocationTimeoutMs,
  );
  if (outcome.kind === 'timeout') {
    console.error(`resolver ${functionKey} timed out after ${ctx.invocationTimeoutMs} ms`);
    return sendError(res, 500, 'RESOLVER_FAILED', 'There was an error invoking the function - Invocation timed out.');
  }
  if (outcome.kind === 'threw') {
    // @forge/resolver's own wording for a key it does not define (pinned 2.0.1)
    if (outcome.message.startsWith('Resolver has no definition for')) {
      return sendError(res, 400, 'UNKNOWN_FUNCTION', `The resolver has no function ${functionKey}.`);
    }
    console.error(`resolver ${functionKey} threw: ${outcome.message}`);
    return sendError(res, 500, 'RESOLVER_FAILED', 'There was an error invoking the function.');
  }
  const result = outcome.value;
  if (result === undefined) {
    res.writeHead(204);
    res.end();
    return;
  }
  sendJson(res, 200, result);
}
