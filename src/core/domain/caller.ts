/** Who is acting. Built only from the platform context (resolver context or 3LO invocation), never from a payload. */
export interface Caller {
  accountId: string;
  source: 'ui' | 'api';
  /** OAuth client id of the 3LO integration; only for source 'api'. "unavailable" when the platform supplied none (SPEC §4). */
  clientId?: string;
  /** Which platform field answered the client id (e.g. "contextToken.clientId"), or "unavailable"; only for source 'api'. */
  clientIdSource?: string;
}

/** The app itself, acting in deferred work (jobs, scheduled runs): recorded as actor 'system'. */
export const SYSTEM_ACTOR: Caller = { accountId: 'system', source: 'ui' };
