/** RFC 8785 canonical JSON: the published examples, and the proof that hashes stored before the switch still verify. */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { hashMatches, legacyRecordHash, recordDigest, recordHash } from '../../src/core/audit/hash';
import type { AuditRecord } from '../../src/core/domain/model';
import { canonicalJson } from '../../src/core/domain/canonical-json';

/** The canonicaliser audit hashes and idempotency fingerprints used before RFC 8785 (kept here only as the reference). */
function legacyCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(legacyCanonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${legacyCanonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the RFC 8785 §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew', '1': 'One', '\ud83d\ude00': 'Emoji', '\u0080': 'Control', '\u00f6': 'o umlaut' };
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // JSON.parse puts the integer-like "1" first again; read the order from the text instead.
    const order = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(order).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(keys).toHaveLength(7);
  });

  it('omits undefined members and writes an absent body as null (idempotency fingerprint of a body-less request)', () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('refuses what is not JSON data', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow();
    expect(() => canonicalJson([Infinity])).toThrow();
  });

  it('equals the pre-RFC-8785 canonicaliser on every JSON value, so no stored hash or fingerprint changes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = JSON.parse(JSON.stringify(value)) as unknown; // as stored
        expect(canonicalJson(json)).toBe(legacyCanonicalJson(json));
      }),
      { numRuns: 2000 },
    );
  });

  it('a record hashed by the previous release still verifies (hash computed with the legacy code, pinned)', () => {
    const record = {
      id: 'aud-1',
      seq: 1,
      at: 1735689600000,
      actor: 'acc-bob',
      action: 'changeset.created',
      spaceId: '1001',
      changeSetId: 'cs-1',
      source: 'api',
      clientId: 'client-1',
      details: { title: 'Q3 “final” release €', summary: 'line1\nline2\t\u0001', counts: { submitted: 2, skipped: 0 }, ratio: 0.1, big: 1e21, '€': 'euro', '1': 'one', '\r': 'cr' },
      prevHash: '0'.repeat(64),
    } as Omit<AuditRecord, 'hash'>;
    expect(legacyRecordHash(record)).toBe('563461dc071b342b394b1bd221d927642bb89e24bc2ae9910d9c2b74f3e5bce8');
    // Dual verification (SPEC 5a): a format-1 record still verifies after the switch to format 2.
    expect(hashMatches({ ...record, hash: '563461dc071b342b394b1bd221d927642bb89e24bc2ae9910d9c2b74f3e5bce8' })).toBe(true);
  });

  it('format 2 hashes the previous hash and the record digest (pinned), so a record can travel as its digest', () => {
    const record = { id: 'aud-1', seq: 1, at: 1735689600000, actor: 'acc-bob', action: 'changeset.created', spaceId: '1001', source: 'ui', details: {}, prevHash: '0'.repeat(64) } as Omit<AuditRecord, 'hash'>;
    const digest = recordDigest(record);
    expect(digest).toBe(recordDigest({ ...record, prevHash: 'f'.repeat(64) })); // content only
    expect(recordHash(record)).toBe(createHash('sha256').update(`${'0'.repeat(64)}${digest}`, 'utf8').digest('hex'));
    expect(hashMatches({ ...record, hash: recordHash(record) })).toBe(true);
    expect(hashMatches({ ...record, hash: recordHash({ ...record, actor: 'acc-eve' }) })).toBe(false);
  });
});
