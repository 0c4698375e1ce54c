/** Export (CSV / NDJSON with readable names) and retention purge that keeps the chain verifiable. */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { CSV_COLUMNS, csvField } from '../../src/core/audit/export-format';
import { recordHash } from '../../src/core/audit/hash';
import type { AuditEntry, AuditTrail } from '../../src/core/audit';
import type { ExportFormat } from '../../src/core/audit/export-format';
import { exportChunk } from '../../src/core/audit/export-chunk';
import type { AuditFilter, AuditRecord } from '../../src/core/domain/model';
import type { KeyValueStore } from '../../src/core/ports/store';
import { LINK_PREFIX, linkBlockKey } from '../../src/core/audit/keys';
import { linksOf, parseLinkItem } from '../../src/core/audit/chain-read';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import { bruteForce, ids, linkItemAt, listAll, randomEntry, rawRecords, rng, sequenceAll, setup, skAt } from './support';

/** Minimal RFC 4180 reader, enough to read back what the exporter wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

/** Every chunk of an export, joined in order (as the admin page does). */
async function exportAll(trail: AuditTrail, filter: AuditFilter, format: ExportFormat, names?: Map<string, string>): Promise<string> {
  let content = '';
  let cursor: string | undefined;
  do {
    const chunk = await trail.exportChunk(filter, format, { ...(cursor ? { cursor } : {}), ...(names ? { namesOf: () => Promise.resolve(names) } : {}) });
    content += chunk.content;
    cursor = chunk.nextCursor;
  } while (cursor);
  return content;
}

const tricky: AuditEntry = {
  actor: 'acc-alice',
  action: 'changeset.created',
  spaceId: '1001',
  changeSetId: 'cs-9',
  source: 'api',
  clientId: 'client-1',
  details: { title: 'Q3, "final"\r\nrelease', summary: '=HYPERLINK("http://evil")' },
};

describe('export', () => {
  async function trailWith(entries: AuditEntry[]) {
    const env = setup();
    for (const e of entries) {
      env.clock.t += 60_000;
      await env.store.transact(env.trail.prepareAppend([e]));
    }
    await sequenceAll(env.trail);
    return env;
  }

  it('writes CSV with a header, RFC 4180 quoting, ISO times and readable names', async () => {
    const { trail, store } = await trailWith([tricky, { ...tricky, actor: 'acc-unknown', source: 'ui', clientId: undefined, pageId: '2001', details: {} }]);
    const names = new Map([
      ['acc-alice', 'Alice Admin, "the boss"'],
      ['1001', 'Engineering'],
      ['2001', '=Page name'],
    ]);
    const rows = parseCsv(await exportAll(trail, {}, 'csv', names));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const [newest, oldest] = rows.slice(1).map((cells) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, cells[i]])));
    const [r1, r2] = await rawRecords(store);
    expect(oldest).toMatchObject({
      seq: '1',
      id: r1.id,
      time: new Date(r1.at).toISOString(),
      actor: 'acc-alice',
      actorName: 'Alice Admin, "the boss"',
      action: 'changeset.created',
      spaceName: 'Engineering',
      pageId: '',
      source: 'api',
      clientId: 'client-1',
      prevHash: r1.prevHash,
      hash: r1.hash,
    });
    expect(JSON.parse(oldest.details)).toEqual(tricky.details);
    expect(newest).toMatchObject({ seq: '2', actorName: 'acc-unknown', pageName: "'=Page name", clientId: '', hash: r2.hash });
  });

  it('neutralises spreadsheet formulas but leaves plain ids alone', () => {
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('-abc_1')).toBe('-abc_1');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(12)).toBe('12');
  });

  it('writes NDJSON: one stored record per line, hashes recomputable, names apart under display', async () => {
    const { trail, store } = await trailWith([tricky, tricky, { ...tricky, spaceId: '1002' }]);
    const plain = await exportAll(trail, { spaceId: '1001' }, 'ndjson');
    const lines = plain.split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((l) => JSON.parse(l) as AuditRecord);
    expect(parsed).toEqual(bruteForce(await rawRecords(store), { spaceId: '1001' }));
    for (const r of parsed) expect(recordHash(r)).toBe(r.hash);

    const named = (await exportAll(trail, {}, 'ndjson', new Map([['acc-alice', 'Alice']]))).trim().split('\n');
    const first = JSON.parse(named[0]) as AuditRecord & { display: Record<string, string> };
    expect(first.display).toEqual({ actor: 'Alice', time: new Date(first.at).toISOString() });
    const { display: _display, ...record } = first;
    expect(recordHash(record)).toBe(record.hash);
  });

  it('in chunks: each bounded in records and bytes, the CSV header once, every record exactly once, newest first', async () => {
    const env = setup();
    const random = rng(5);
    for (let i = 0; i < 250; i += 5) await env.store.transact(env.trail.prepareAppend([0, 1, 2, 3, 4].map(() => randomEntry(random))));
    await sequenceAll(env.trail);
    const deps = { store: env.store, maxScanQueries: 20 };
    const chunks: Array<{ content: string; records: number }> = [];
    let cursor: string | undefined;
    do {
      const chunk = await exportChunk(deps, {}, 'csv', { ...(cursor ? { cursor } : {}), limits: { records: 100, bytes: 4_000_000 } });
      chunks.push(chunk);
      cursor = chunk.nextCursor;
    } while (cursor);
    expect(chunks.map((c) => c.records)).toEqual([100, 100, 50]);
    expect(chunks.filter((c) => c.content.startsWith(CSV_COLUMNS.join(',')))).toHaveLength(1);
    const rows = parseCsv(chunks.map((c) => c.content).join(''));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => r[1])).toEqual(ids(bruteForce(await rawRecords(env.store), {})));

    // a byte bound below two pages ends each chunk after one page of 100, never above the bound
    const onePage = Buffer.byteLength((await exportChunk(deps, {}, 'ndjson', { limits: { records: 100, bytes: 4_000_000 } })).content);
    const bound = Math.floor(onePage * 1.5);
    const small = await exportChunk(deps, {}, 'ndjson', { limits: { records: 5_000, bytes: bound } });
    expect(small.records).toBe(100);
    expect(Buffer.byteLength(small.content)).toBeLessThanOrEqual(bound);
    expect(small.nextCursor).toBeDefined();
  });

  it('exports every matching record beyond one list page', async () => {
    const env = setup();
    const random = rng(11);
    for (let i = 0; i < 75; i += 3) await env.store.transact(env.trail.prepareAppend([0, 1, 2].map(() => randomEntry(random))));
    // Pending records are exported too, marked, so nothing a user did is missing from an export.
    const lines = (await exportAll(env.trail, { source: 'api' }, 'ndjson')).trim().split('\n');
    const exported = lines.map((l) => JSON.parse(l) as AuditRecord);
    expect(ids(exported)).toEqual(ids(bruteForce(await rawRecords(env.store), { source: 'api' })));
    expect(exported.every((r) => r.pending === true)).toBe(true);
  });
});

describe('purge', () => {
  async function dayChain(days: number) {
    const store = new MemoryStore();
    const env = setup(store);
    const random = rng(9);
    const start = env.clock.t;
    for (let d = 0; d < days; d++) {
      env.clock.t = start + d * 86_400_000;
      await store.transact(env.trail.prepareAppend([randomEntry(random), randomEntry(random)]));
    }
    await sequenceAll(env.trail);
    return { ...env, start };
  }

  /** The seqs the stored link items name, in key order. */
  const linkedSeqs = async (store: KeyValueStore) => {
    const seqs: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.query({ prefix: LINK_PREFIX, limit: 100, cursor });
      for (const item of page.items) {
        const link = parseLinkItem(item)!;
        seqs.push(...link.sks!.map((_, i) => link.first + i));
      }
      cursor = page.nextCursor;
    } while (cursor);
    return seqs;
  };

  it('removes exactly the records older than the cut-off and their links, records itself, and still verifies', async () => {
    const { store, trail, clock, start } = await dayChain(30);
    const before = await rawRecords(store);
    clock.t = start + 40 * 86_400_000;
    const cutoff = start + 10 * 86_400_000;

    expect(await trail.purge(cutoff, 'acc-alice')).toEqual({ removed: 20, done: true });

    const after = await rawRecords(store);
    expect(after.map((r) => r.seq)).toEqual([...before.filter((r) => r.at >= cutoff).map((r) => r.seq), 61]);
    const purgeRecord = after[after.length - 1];
    expect(purgeRecord).toMatchObject({
      action: 'audit.purged',
      actor: 'acc-alice',
      details: { before: cutoff, firstKeptSeq: 21, anchorHash: before[19].hash, records: 20 },
    });
    // a link block that straddles the cut keeps the links of its older seqs (their records are gone); readers start at the checkpoint
    const linked = await linkedSeqs(store);
    expect(linked.filter((seq) => seq >= 21)).toEqual(Array.from({ length: 41 }, (_, i) => 21 + i));
    expect(await store.getEntities(AUDIT_ENTITY, await Promise.all(linked.filter((seq) => seq < 21).map(async (seq) => (await linksOf(store, [seq])).get(seq) as string)))).toEqual([]);
    expect(await trail.verify()).toEqual({ ok: true, checked: 41, headHash: purgeRecord.hash, unsequenced: { count: 0 } });
    const { records } = await listAll(trail, { actor: 'acc-alice' }, 7);
    expect(records.map((r) => r.seq)).toEqual(bruteForce(after, { actor: 'acc-alice' }).map((r) => r.seq));

    // The chain keeps growing and verifying after the purge, and a second purge moves the anchor again.
    await store.transact(trail.prepareAppend([randomEntry(rng(1))]));
    expect(await trail.purge(start + 20 * 86_400_000, 'acc-alice')).toEqual({ removed: 20, done: true });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 23 });
  });

  it('with nothing old enough still records the purge and verifies', async () => {
    const { trail, start } = await dayChain(3);
    expect(await trail.purge(start - 1, 'acc-alice')).toEqual({ removed: 0, done: true });
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 7 });
    expect((await trail.list({ action: 'audit.purged' }, {})).items[0].details).toMatchObject({ firstKeptSeq: 1, records: 0 });
  });

  it('can remove every record; the purge record then starts the chain', async () => {
    const { store, trail, clock, start } = await dayChain(5);
    clock.t = start + 10 * 86_400_000;
    expect(await trail.purge(clock.t + 1, 'acc-alice')).toEqual({ removed: 10, done: true });
    expect((await rawRecords(store)).map((r) => r.seq)).toEqual([11]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  it('an interrupted (capped) deletion leaves leftovers that lists ignore, verify skips, and the next purge removes', async () => {
    const { store, trail, clock, start } = await dayChain(10);
    clock.t = start + 20 * 86_400_000;
    expect(await trail.purge(start + 5 * 86_400_000, 'acc-alice', { maxDeletes: 4 })).toEqual({ removed: 4, done: false });
    expect((await rawRecords(store)).length).toBe(20 - 4 + 1);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 11 });
    expect((await listAll(trail, {}, 100)).records.map((r) => r.seq)).toEqual(Array.from({ length: 11 }, (_, i) => 21 - i));
    expect((await listAll(trail, { spaceId: '1001', to: start + 5 * 86_400_000 - 1 }, 100)).records).toEqual([]);

    expect(await trail.purge(start, 'acc-alice')).toEqual({ removed: 6, done: true });
    expect((await rawRecords(store))[0].seq).toBe(11);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 12 });
  });

  it('detects a forged checkpoint or a deleted one', async () => {
    const { store, trail } = await dayChain(10);
    // An attacker deletes the oldest records and writes a checkpoint without a purge record.
    const records = await rawRecords(store);
    const blocks = [...new Map(await Promise.all([1, 2, 3, 4].map(async (seq) => [(await linkItemAt(store, seq)).key, await linkItemAt(store, seq)] as const))).values()];
    const last = blocks.at(-1)!.value;
    const tail = last.sks.slice(5 - last.first);
    await store.transact([
      ...blocks.map((b) => ({ op: 'delete' as const, key: b.key })),
      ...(tail.length > 0 ? [{ op: 'put' as const, key: linkBlockKey(5), value: { first: 5, sks: tail } }] : []),
      ...(await Promise.all([1, 2, 3, 4].map(async (seq) => ({ op: 'delete' as const, key: await skAt(store, seq), entity: 'af-audit' })))),
      { op: 'put', key: 'audit:checkpoint', value: { firstSeq: 5, prevHash: records[3].hash } },
    ]);
    expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: 5 });

    const legit = await dayChain(10);
    legit.clock.t = legit.start + 20 * 86_400_000;
    await legit.trail.purge(legit.start + 5 * 86_400_000, 'acc-alice');
    await legit.store.transact([{ op: 'delete', key: 'audit:checkpoint' }]);
    expect(await legit.trail.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('rejects an invalid cut-off', async () => {
    await expect(setup().trail.purge(-5, 'acc-alice')).rejects.toMatchObject({ code: 'INVALID_PURGE_TIME' });
  });
});
