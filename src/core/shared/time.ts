/** DAY_MS lives in the domain floor (domain/time.ts); re-exported here for the audit and analytics importers until files move. */
export { DAY_MS } from '../domain/time';
