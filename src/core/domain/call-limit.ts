/**
 * Confluence calls per invocation: the in-flight bound (SPEC §4), and the one refusal of a request
 * that needs more calls than one invocation allows (Forge's per-invocation request cap,
 * docs/forge-platform.md U25): raised by the call gate when the cap is met, and by an operation
 * that counts its calls before making any. Retrying the same request does not help, so it is no
 * 503: the client splits the work.
 */
import { DomainError } from './errors';

/** SPEC §4: Confluence calls one invocation has in flight at most (the call gate's bound; a fan-out of posts keeps to it too). */
export const MAX_CONFLUENCE_IN_FLIGHT = 10;

export function tooManyConfluenceCalls(count?: { needed: number; left: number; what: string }): DomainError {
  const why = count
    ? `${count.what} needs at least ${count.needed} Confluence calls, and this request may make only ${count.left} more`
    : 'This request needs more Confluence calls than one invocation allows';
  return new DomainError('TOO_MANY_CONFLUENCE_CALLS', `${why}; nothing was changed. Split the work into smaller requests (for a change set: fewer pages).`);
}
