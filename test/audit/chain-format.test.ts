/**
 * SPEC 5a chain format: records linked before format 2 keep their format-1 hash and still verify
 * (dual verification), including across a retention purge; format-2 records after them chain on.
 */
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { entityValueOf } from '../../src/core/audit/entity';
import { hashMatches, legacyRecordHash, recordHash } from '../../src/core/audit/hash';
import { HEAD_KEY } from '../../src/core/audit/keys';
import type { AuditRecord } from '../../src/core/domain/model';
import { AUDIT_ENTITY } from '../../src/core/ports/entities';
import type { KeyValueStore } from '../../src/core/ports/store';
import { rawRecords, sequenceAll, setup, skAt } from './support';

const entry = (n: number) => ({ actor: 'acc-bob', action: 'approval.submitted' as const, spaceId: '1001', pageId: '2001', source: 'ui' as const, details: { n } });

/** Rewrites the chain's records 1..n as a release before format 2 would have linked them. */
async function rewriteAsFormat1(store: KeyValueStore, upTo: number): Promise<void> {
  const records = (await rawRecords(store)).sort((a, b) => a.seq - b.seq);
  let prevHash = '0'.repeat(64);
  for (const record of records) {
    const relinked: AuditRecord = { ...record, prevHash, hash: '' };
    relinked.hash = record.seq <= upTo ? legacyRecordHash(relinked) : recordHash(relinked);
    const sk = await skAt(store, record.seq);
    await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: sk, value: entityValueOf(sk, relinked) }]);
    prevHash = relinked.hash;
  }
  const head = await store.get<{ seq: number; at: number }>(HEAD_KEY);
  await store.transact([{ op: 'put', key: HEAD_KEY, value: { ...head!.value, hash: prevHash } }]);
}

describe('chain format 2 with dual verification', () => {
  it('a chain whose older records are format 1 verifies, and an edit of either kind is still detected', async () => {
    const { store, trail, clock } = setup(new MemoryStore());
    for (let n = 1; n <= 6; n++) {
      await store.transact(trail.prepareAppend([entry(n)]));
      clock.t += 1000;
    }
    await sequenceAll(trail);
    await rewriteAsFormat1(store, 3);
    const records = (await rawRecords(store)).sort((a, b) => a.seq - b.seq);
    expect(records.map((r) => recordHash(r) === r.hash)).toEqual([false, false, false, true, true, true]);
    expect(records.every(hashMatches)).toBe(true);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 6 });

    // New records are linked under format 2 after the format-1 ones.
    await store.transact(trail.prepareAppend([entry(7)]));
    await sequenceAll(trail);
    const seventh = (await rawRecords(store)).find((r) => r.seq === 7)!;
    expect(seventh.hash).toBe(recordHash(seventh));
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 7 });

    for (const seq of [2, 5]) {
      const original = (await rawRecords(store)).find((r) => r.seq === seq)!;
      const sk = await skAt(store, seq);
      await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: sk, value: entityValueOf(sk, { ...original, details: { n: 99 } }) }]);
      expect(await trail.verify()).toMatchObject({ ok: false, firstBadSeq: seq, reason: 'RECORD_ALTERED' });
      await store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: sk, value: entityValueOf(sk, original) }]);
    }
  });

  it('a purge through format-1 records leaves a checkpoint the mixed chain verifies from', async () => {
    const { store, trail, clock } = setup(new MemoryStore());
    for (let n = 1; n <= 6; n++) {
      await store.transact(trail.prepareAppend([entry(n)]));
      clock.t += 1000;
    }
    await sequenceAll(trail);
    await rewriteAsFormat1(store, 4);
    const cut = (await rawRecords(store)).find((r) => r.seq === 3)!.at + 1;
    await trail.purge(cut, 'acc-alice');
    expect((await rawRecords(store)).map((r) => r.seq).sort((a, b) => a - b)).toEqual([4, 5, 6, 7]);
    expect(await trail.verify()).toMatchObject({ ok: true, checked: 4 });
  });
});
