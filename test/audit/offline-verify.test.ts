/**
 * docs/audit.md "Verifying an export offline": an NDJSON export, checked by scripts/verify-audit-export.ts,
 * which recomputes every hash with its own RFC 8785 code and Node's crypto (no app code).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '../../src/core/audit';
import { verifyAuditExport } from '../../scripts/verify-audit-export';
import { randomEntry, rng, sequenceAll, setup } from './support';

const DAY = 86_400_000;

/** Details exercising what canonicalisation must get right: key order, Unicode, escapes, number forms, nesting. */
const awkward: AuditEntry = {
  actor: 'user with spaces/é',
  action: 'changeset.created',
  spaceId: '1001',
  changeSetId: 'cs-ü',
  source: 'api',
  clientId: 'client:b',
  details: {
    title: 'Q3 “final” release € 😀',
    summary: 'tab\tnewline\n"quoted" back\\slash \u0001',
    '\ufb33': 'hebrew key',
    '\ud83d\ude00': 'emoji key',
    '1': 'integer-like key',
    numbers: [0.1, 1e21, 1e-7, -0, 333333333.3333333, 4.5, 100, 2 ** 53],
    nested: { z: [{ b: 1, a: null }], a: true },
  },
};

async function exportedTrail() {
  const env = setup();
  const random = rng(17);
  const start = env.clock.t;
  for (let d = 0; d < 20; d++) {
    env.clock.t = start + d * DAY;
    await env.store.transact(env.trail.prepareAppend([randomEntry(random), d % 5 === 0 ? awkward : randomEntry(random)]));
  }
  env.clock.t = start + 30 * DAY;
  await env.trail.purge(start + 8 * DAY, 'acc-alice');
  for (let i = 0; i < 5; i++) await env.store.transact(env.trail.prepareAppend([awkward]));
  await sequenceAll(env.trail);
  const names = new Map([['acc-alice', 'Alice “Admin”'], ['1001', 'ENG (Engineering)']]);
  const ndjson = (await env.trail.exportChunk({}, 'ndjson', { namesOf: () => Promise.resolve(names) })).content;
  const { headHash } = await env.trail.verify();
  return { ...env, ndjson, headHash };
}

const lines = (ndjson: string) => ndjson.trim().split('\n');

describe('offline verification of an NDJSON export', () => {
  it('recomputes every hash, link and the purge checkpoint, and ends at the digest verify() reports', async () => {
    const { ndjson, headHash } = await exportedTrail();
    expect(lines(ndjson)).toHaveLength(40 - 16 + 1 + 5); // 8 days × 2 purged, the purge record, 5 more
    expect(lines(ndjson).some((l) => l.includes('"display"'))).toBe(true);
    expect(verifyAuditExport(ndjson, headHash)).toEqual({ ok: true, records: 30, pending: 0, lastHash: headHash, problems: [] });
  });

  it('counts records exported before they were sequenced as pending, and still verifies the chained ones', async () => {
    const { ndjson, headHash, trail, store } = await exportedTrail();
    await store.transact(trail.prepareAppend([awkward, awkward]));
    const withPending = (await trail.exportChunk({}, 'ndjson')).content;
    expect(withPending.trim().split('\n').filter((l) => l.includes('"pending":true'))).toHaveLength(2);
    expect(verifyAuditExport(withPending, headHash)).toEqual({ ok: true, records: 30, pending: 2, lastHash: headHash, problems: [] });
    expect(lines(ndjson)).toHaveLength(30);
  });

  it('finds an edited record, a removed record, a removed purge record and a wrong digest', async () => {
    const { ndjson } = await exportedTrail();
    const all = lines(ndjson);
    const edited = all.map((l, i) => (i === 3 ? l.replace('"source":"', '"source":"x') : l)).join('\n');
    expect(verifyAuditExport(edited).problems).toEqual([expect.stringMatching(/hash does not match/)]);

    const removed = all.filter((_l, i) => i !== 10).join('\n');
    expect(verifyAuditExport(removed).problems).toEqual([expect.stringMatching(/missing/), expect.stringMatching(/prevHash does not link/)]);

    const noPurge = all.filter((l) => !l.includes('"audit.purged"')).join('\n');
    expect(verifyAuditExport(noPurge).problems).toEqual(expect.arrayContaining([expect.stringMatching(/checkpoint of its latest audit.purged/)]));

    expect(verifyAuditExport(ndjson, 'f'.repeat(64)).problems).toEqual(['the newest hash is not the expected digest']);
  });

  it('works as a command-line tool', async () => {
    const { ndjson, headHash } = await exportedTrail();
    const file = join(mkdtempSync(join(tmpdir(), 'audit-export-')), 'export.ndjson');
    writeFileSync(file, ndjson);
    const tsx = join(__dirname, '../../node_modules/.bin/tsx');
    const out = execFileSync(tsx, [join(__dirname, '../../scripts/verify-audit-export.ts'), file, headHash], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ ok: true, records: 30, lastHash: headHash });
  });
});
