/**
 * Custom UI resolvers (SPEC §6) on the real @forge/resolver. One definitions handler serves the
 * macro, byline, space page and admin page; the binding rows are split per surface (page.ts,
 * space.ts, admin.ts, …) and listed in registry.ts.
 *
 * - Identity: only `req.context.accountId`, which @forge/resolver copies from the platform
 *   principal (server-side, overwrites anything the browser sent). No account → UNAUTHENTICATED.
 * - Keys: only our own definitions. @forge/resolver looks keys up with `in`, so `constructor` would
 *   call Object() and echo the request context back; our wrapper refuses (throws, as Forge does for
 *   an unknown key) any key that is not one of our definitions.
 * - Payloads: strict zod schemas (schemas.ts); unknown keys such as `accountId` are refused.
 * - Rate limits and cursors: the same edge services as the REST API (src/transport/shared).
 * - Identity, licence, validation, rate limits and error mapping: the one request pipeline the REST
 *   routes use too (transport/shared/pipeline.ts).
 * - Results: the REST envelope `{success:true, ...data}` / `{success:false, error, code, details?}`.
 */
import Resolver from '@forge/resolver';
import { failureEnvelope, isConsentRequired, type PublicError } from '../public-error';
import { createEdge, listCursorFor, type Edge, type EdgeOptions } from '../shared/edge';
import { invalidRequest, runPipeline } from '../shared/pipeline';
import { DomainError } from '../../core/domain/errors';
import type { EngineFactory } from '../../core/services/engine';
import { parseClientContext } from './context';
import type { ResolverFailure } from './contract';
import type { ResolverDefinition, ResolverEnv, ResolverOptions } from './define';
import { DiagnosticsLog } from '../diagnostics/diagnostics-log';
import { RESOLVER_BINDINGS } from './registry';

export { API_SCOPES } from './admin';
export type { ResolverOptions } from './define';

/** `diagnostics` defaults to a log over the store that nothing records to (runtimes that keep none show none). */
export type ResolverHandlerOptions = Omit<ResolverOptions, 'diagnostics'> & Partial<Pick<ResolverOptions, 'diagnostics'>> & EdgeOptions;

/** Every binding, by key; a doubled key fails at start-up (so in every test that builds the handler). */
export const RESOLVER_DEFINITIONS: ReadonlyMap<string, ResolverDefinition> = (() => {
  const all: readonly ResolverDefinition[] = RESOLVER_BINDINGS;
  const byKey = new Map(all.map((d) => [d.key, d]));
  const doubled = all.filter((d, i) => all.findIndex((o) => o.key === d.key) !== i).map((d) => d.key);
  if (doubled.length > 0) throw new Error(`resolver definitions: duplicate keys (${doubled.join(', ')})`);
  return byKey;
})();

function envelope(pub: PublicError): ResolverFailure {
  return failureEnvelope(pub);
}

type ResolverRequest = { payload: unknown; context: Record<string, unknown> };

async function serve(def: ResolverDefinition, req: ResolverRequest, getEngine: EngineFactory, edge: Edge, options: ResolverOptions): Promise<object> {
  const outcome = await runPipeline(
    edge,
    {
      label: `resolver ${def.key}`,
      context: req.context,
      identify: () => {
        const accountId = req.context.accountId;
        if (typeof accountId !== 'string' || accountId.length === 0) throw new DomainError('UNAUTHENTICATED', 'You must be logged in to do this.');
        return { accountId, source: 'ui' };
      },
      parse: () => {
        const payload = req.payload ?? {};
        const parsed = def.input.safeParse(payload);
        if (!parsed.success) throw invalidRequest(parsed.error.issues, payload);
        return parsed.data;
      },
      admission: () => (def.writes ? 'write' : 'read'),
      // Forge turns a thrown NeedsAuthenticationError into the consent prompt of the Custom UI.
      rethrow: isConsentRequired,
    },
    (caller, input, onDenied) => {
      const env: ResolverEnv = {
        engine: getEngine({ actingAccountId: caller.accountId, onDenied }),
        caller,
        client: parseClientContext(req.context),
        options,
        listCursor: (operation, query) => listCursorFor(edge, operation, caller, query),
      };
      return def.run(input, env);
    },
  );
  return outcome.ok ? { success: true, ...outcome.data } : envelope(outcome.error);
}

export function createResolverHandler(getEngine: EngineFactory, handlerOptions: ResolverHandlerOptions) {
  const options: ResolverOptions & EdgeOptions = { ...handlerOptions, diagnostics: handlerOptions.diagnostics ?? new DiagnosticsLog(handlerOptions.store) };
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
