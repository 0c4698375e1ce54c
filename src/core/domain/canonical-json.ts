/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), via the `canonicalize` package: object members sorted
 * by the UTF-16 code units of their names at every depth, no whitespace, numbers and strings
 * serialised as ECMAScript's JSON.stringify does. The one canonical form of the app: audit record
 * hashes (src/core/audit/hash.ts) and idempotency body fingerprints (src/transport/api/idempotency.ts).
 */
import canonicalize from 'canonicalize';

/**
 * Canonical JSON of a JSON value. Members whose value is undefined are omitted (as JSON.stringify
 * does); an absent value (a request without a body) serialises as `null`. NaN and Infinity are not
 * JSON and throw.
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}
