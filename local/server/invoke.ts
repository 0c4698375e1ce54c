/**
 * POST /local/invoke: what the Forge host does for @forge/bridge invoke(): calls the resolver
 * function (the real @forge/resolver definitions) with the client context and the platform's
 * principal, and hands back the resolver's return value.
 */
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { LOCAL_INSTALL_CONTEXT } from '../app';
import { invokeWithinLimit } from './gateway';
import type { LocalContext, LocalEnv } from './context';
import { readJsonObject, sendError, sendInvalid } from './http';

/** Forge's invoke() payload limit. */
export const INVOKE_BODY_LIMIT = 500 * 1024;

const InvokeSchema = z.strictObject({
  moduleKey: z.string().min(1).max(255),
  functionKey: z.string().min(1).max(255),
  payload: z.record(z.string(), z.unknown()).optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
  localId: z.string().max(255).optional(),
});

/** The platform's principal for invoke(): X-Local-Account-Id, checked before the body is read. */
export const requireLocalUser: MiddlewareHandler<LocalEnv> = async (c, next) => {
  if (!c.var.ctx.isUser(c.req.header('x-local-account-id'))) {
    return sendError(c, 401, 'UNAUTHENTICATED', 'X-Local-Account-Id must name a user of the local site.');
  }
  await next();
};

export async function handleInvoke(c: LocalContext): Promise<Response> {
  const ctx = c.var.ctx;
  const accountId = c.req.header('x-local-account-id') ?? '';
  const parsed = InvokeSchema.safeParse(await readJsonObject(c));
  if (!parsed.success) return sendInvalid(c, parsed.error.issues, 'The invoke request');
  const { moduleKey, functionKey, payload, extension, localId } = parsed.data;
  if (!ctx.manifest.uiModules.some((module) => module.key === moduleKey)) {
    return sendError(c, 400, 'UNKNOWN_MODULE', `The app has no Custom UI module ${moduleKey}.`);
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
    return sendError(c, 500, 'RESOLVER_FAILED', 'There was an error invoking the function - Invocation timed out.');
  }
  if (outcome.kind === 'threw') {
    // @forge/resolver's own wording for a key it does not define (pinned 2.0.1)
    if (outcome.message.startsWith('Resolver has no definition for')) {
      return sendError(c, 400, 'UNKNOWN_FUNCTION', `The resolver has no function ${functionKey}.`);
    }
    console.error(`resolver ${functionKey} threw: ${outcome.message}`);
    return sendError(c, 500, 'RESOLVER_FAILED', 'There was an error invoking the function.');
  }
  const result = outcome.value;
  if (result === undefined) return c.body(null, 204);
  return c.json(result);
}
