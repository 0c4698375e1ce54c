/**
 * Custom UI resolvers (SPEC §6) on the real @forge/resolver. One definitions handler serves the
 * macro, byline, space page and admin page; the definitions are split per surface (page.ts,
 * space.ts, admin.ts).
 *
 * - Identity: only `req.context.accountId`, which @forge/resolver copies from the platform
 *   principal (server-side, overwrites anything the browser sent). No account → UNAUTHENTICATED.
 * - Keys: only our own definitions. @forge/resolver looks keys up with `in`, so `constructor` would
 *   call Object() and echo the request context back; our wrapper refuses (throws, as Forge does for
 *   an unknown key) any key that is not one of our definitions.
 * - Payloads: strict zod schemas (schemas.ts); unknown keys such as `accountId` are refused.
 * - Rate limits and cursors: the same edge services as the REST API (src/transport/shared).
 * - Results: the REST envelope `{success:true, ...data}` / `{success:false, error, code, details?}`,
 *   failures mapped by the one toPublicError.
 */
import Resolver from '@forge/resolver';
import { failureEnvelope, toPublicError, type PublicError } from '../public-error';
import { issuesToDetails } from '../shared/issues';
import { admit, createEdge, noteOutcome, pagerFor, type Edge, type EdgeOptions } from '../shared/edge';
import type { EngineFactory } from '../../core/services/engine';
import { adminResolvers } from './admin';
import { parseClientContext } from './context';
import type { ResolverFailure } from './contract';
import type { ResolverDefinition, ResolverEnv, ResolverOptions } from './define';
import { pageResolvers } from './page';
import { schemas, type ResolverKey } from './schemas';
import { spaceResolvers } from './space';
import { routingResolvers } from './routing';
import { uiResolvers } from './ui';

export { API_SCOPES } from './admin';
export type { ResolverOptions } from './define';

export type ResolverHandlerOptions = ResolverOptions & EdgeOptions;

/** Every definition, by key; a missing or doubled key fails at start-up (and in test/ui/resolvers.test.ts). */
export const RESOLVER_DEFINITIONS: ReadonlyMap<string, ResolverDefinition> = (() => {
  const all = [...pageResolvers, ...spaceResolvers, ...adminResolvers, ...uiResolvers, ...routingResolvers];
  const byKey = new Map(all.map((d) => [d.key as string, d]));
  const missing = Object.keys(schemas).filter((k) => !byKey.has(k));
  if (byKey.size !== all.length || missing.length > 0) throw new Error(`resolver definitions: duplicate or missing keys (${missing.join(', ')})`);
  return byKey;
})();

function envelope(pub: PublicError): ResolverFailure {
  return { ...failureEnvelope(pub), ...(pub.retryAfter !== undefined ? { retryAfter: pub.retryAfter } : {}) };
}

type ResolverRequest = { payload: unknown; context: Record<string, unknown> };

async function serve(def: ResolverDefinition, req: ResolverRequest, getEngine: EngineFactory, edge: Edge, options: ResolverOptions): Promise<object> {
  const accountId = req.context.accountId;
  if (typeof accountId !== 'string' || accountId.length === 0) {
    return { success: false, error: 'You must be logged in to do this.', code: 'UNAUTHENTICATED' } satisfies ResolverFailure;
  }
  // Same rule as the REST handler: an inactive licence (absent in development) refuses everything.
  const license: unknown = req.context.license;
  if (typeof license === 'object' && license !== null && 'isActive' in license && license.isActive === false) {
    return { success: false, error: 'The ApprovalFlow licence for this site is not active.', code: 'LICENSE_INACTIVE' } satisfies ResolverFailure;
  }
  const parsed = schemas[def.key].safeParse(req.payload ?? {});
  if (!parsed.success) {
    // Same wording and detail shape as the REST API (one detail per bad or unknown field).
    return { success: false, error: 'The request is invalid; see details for each field.', code: 'INVALID_REQUEST', details: issuesToDetails(parsed.error.issues) };
  }
  const caller = { accountId, source: 'ui' as const };
  try {
    await admit(edge, caller, def.writes);
    const env: ResolverEnv = {
      engine: getEngine({ actingAccountId: accountId }),
      caller,
      ctx: parseClientContext(req.context),
      options,
      pager: (operation, query) => pagerFor(edge, operation, caller, query),
    };
    return { success: true, ...(await def.run(parsed.data, env)) };
  } catch (err) {
    // Log only the error's name and message (never the request/context, which may carry tokens).
    const pub = toPublicError(err, (line) => console.error(`resolver ${def.key} failed: ${line}`));
    await noteOutcome(edge, caller, pub.status);
    return envelope(pub);
  }
}

export function createResolverHandler(getEngine: EngineFactory, options: ResolverHandlerOptions) {
  const edge = createEdge(options);
  const resolver = new Resolver();
  for (const def of RESOLVER_DEFINITIONS.values()) {
    resolver.define(def.key, (req: ResolverRequest) => serve(def, req, getEngine, edge, options));
  }
  const definitions = resolver.getDefinitions();
  return async (...args: Parameters<typeof definitions>): Promise<unknown> => {
    const functionKey: unknown = args[0]?.call?.functionKey;
    // Refused as Forge refuses an unknown key (the invoke rejects), but never reaching Object.prototype.
    if (typeof functionKey !== 'string' || !RESOLVER_DEFINITIONS.has(functionKey)) throw new Error('Resolver has no definition for this key.');
    return definitions(...args);
  };
}

export type { ResolverKey };
