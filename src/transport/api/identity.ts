/**
 * The ONLY place that decides who is calling the REST API (SPEC §4). It reads exactly two fields:
 *  - user:      context.principal.accountId  (the 3LO user the platform authenticated)
 *  - client id: request.context.clientId      (platform-set invocation context; which field carries the
 *               OAuth client id on real Forge is UNCONFIRMED, see docs/api.md; keep the lookup here)
 * Never headers, query or body: those are caller-controlled. Fails closed when no user is present.
 */
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { ForgeApiRequest, ForgeInvocationContext } from './forge-types';

// Atlassian account ids are short printable strings (e.g. 557058:uuid or a 24-hex id).
const ACCOUNT_ID = /^[A-Za-z0-9:._-]{1,128}$/;
const CLIENT_ID = /^[\x21-\x7e]{1,256}$/;

export function resolveCaller(request: ForgeApiRequest | undefined, context: ForgeInvocationContext | undefined): Caller {
  const accountId: unknown = context?.principal?.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new DomainError('unauthenticated', 'UNAUTHENTICATED', 'This API needs a signed-in Atlassian user (3LO token); no user could be resolved.');
  }
  const clientId: unknown = request?.context?.clientId;
  return typeof clientId === 'string' && CLIENT_ID.test(clientId)
    ? { accountId, source: 'api', clientId }
    : { accountId, source: 'api' };
}
