/**
 * Resolver key `admin.diagnostics` (site admins only): the platform diagnostics panel's data
 * (SPEC §4). Kept apart from the other resolvers; createResolverHandler registers it in one line
 * when its composition root supplies `diagnostics`.
 *
 * Result: {success: true, invocations: [{at, route, method, principalSource, clientIdSource,
 * tokenClaimNames, headerNames, identityFailed}], identityFailures, assumptions: [{key, description,
 * observed: 'holds'|'refuted'|'unobserved'}]}.
 */
import type Resolver from '@forge/resolver';
import { DomainError } from '../../core/domain/errors';
import type { DiagnosticsLog } from '../diagnostics/diagnostics-log';
import type { ResolverFailure } from './contract';

export const DIAGNOSTICS_RESOLVER_KEY = 'admin.diagnostics';

export interface DiagnosticsResolverDeps {
  log: DiagnosticsLog;
  /** Site-admin status of the signed-in user, asked as that user (their own Confluence permissions). */
  isSiteAdmin(accountId: string): Promise<boolean>;
}

export function defineDiagnosticsResolver(resolver: Resolver, deps: DiagnosticsResolverDeps): void {
  resolver.define(DIAGNOSTICS_RESOLVER_KEY, async (req: { payload: unknown; context: Record<string, unknown> }) => {
    const accountId = req.context.accountId;
    if (typeof accountId !== 'string' || accountId.length === 0) {
      return { success: false, error: 'You must be logged in to do this.', code: 'UNAUTHENTICATED' } satisfies ResolverFailure;
    }
    const payload = req.payload ?? {};
    if (typeof payload !== 'object' || Array.isArray(payload) || Object.keys(payload as object).length > 0) {
      return { success: false, error: 'The request is invalid; see details for each field.', code: 'INVALID_REQUEST' } satisfies ResolverFailure;
    }
    try {
      if (!(await deps.isSiteAdmin(accountId))) {
        return { success: false, error: 'Only a site admin can see the platform diagnostics.', code: 'FORBIDDEN' } satisfies ResolverFailure;
      }
      return { success: true, ...(await deps.log.summary()) };
    } catch (err) {
      if (err instanceof DomainError && err.kind !== 'internal') return { success: false, error: err.message, code: err.code } satisfies ResolverFailure;
      console.error(`resolver ${DIAGNOSTICS_RESOLVER_KEY} failed: ${err instanceof Error ? err.name : typeof err}`);
      return { success: false, error: 'Something went wrong on our side. Please try again.', code: 'INTERNAL_ERROR' } satisfies ResolverFailure;
    }
  });
}
