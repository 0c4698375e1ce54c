/**
 * Where feed events live (issue 23 item 4; docs/api.md "Event feed"): each rides in its audit
 * record's af-audit item (`ev`, outside the hashed record), so a state change writes no af-event item;
 * the sequencer's rewrite carries it unchanged; audit lists, exports and evidence packs do not show
 * it; and events written before the change (af-event items, records without `ev`) are still served
 * inside the feed's 14-day window and deleted by the daily job after it.
 */
import { parseEntity, recordOfEntity } from '../../src/core/audit/records';
import { envelopeOf, eventPartSchema } from '../../src/core/events/catalog';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { runDailyJob } from '../../src/core/lifecycle/daily-job';
import { purgeExpiredEvents } from '../../src/core/events/purge';
import { timeDigits } from '../../src/core/audit/keys';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { AUDIT_ENTITY, EVENT_ENTITY } from '../../src/core/ports/entities';
import type { EntityItem, KeyValueStore } from '../../src/core/ports/store';
import { createContext } from '../../src/core/services/context';
import { DAY_MS } from '../../src/core/shared/time';
import { ALICE, BOB, CAROL, exportEvidencePack, setup, ui, type TestEnv } from './helpers';

async function auditItems(store: KeyValueStore): Promise<EntityItem[]> {
  return (await store.queryEntity({ entity: AUDIT_ENTITY, index: 'by-time', partition: [], limit: 100 })).items;
}

async function eventItems(store: KeyValueStore): Promise<EntityItem[]> {
  return (await store.queryEntity({ entity: EVENT_ENTITY, index: 'by-time', partition: [], limit: 100 })).items;
}

async function submitAndApprove(env: TestEnv, pageId: string): Promise<void> {
  const approval = await env.engine.approvals.submitPage(ui(BOB), pageId);
  env.tick();
  await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
}

const evidencePack = async (env: TestEnv, pageId: string): Promise<string> => JSON.stringify(await exportEvidencePack(env, { pageId }));

/**
 * Turns the stored events into what the release before wrote: each record's item without `ev` (and
 * its record whole), and the whole envelope in an af-event item `ev:<sk>` {sk, space, ev}.
 */
async function toOldShape(store: KeyValueStore): Promise<void> {
  for (const item of await auditItems(store)) {
    const { ev, ...value } = item.value;
    if (ev === undefined) continue;
    const { record } = parseEntity(item)!;
    const envelope = envelopeOf(record, eventPartSchema.parse(ev));
    await store.transact([
      { op: 'put', entity: AUDIT_ENTITY, key: item.key, value: { ...value, rec: record } },
      { op: 'put', entity: EVENT_ENTITY, key: `ev:${item.key}`, value: { sk: item.key, space: envelope.spaceId, ev: envelope } },
    ]);
  }
}

describe('feed events stored in their audit records', () => {
  it('a state change writes its event into its audit record (no af-event item), and the sequencer keeps it unchanged', async () => {
    const env = await setup();
    await submitAndApprove(env, '2001');
    expect(await eventItems(env.store)).toEqual([]);
    const pending = (await auditItems(env.store)).filter((item) => item.value.ev !== undefined);
    expect(pending.map((item) => [item.value.seq, (item.value.ev as { type: string }).type])).toEqual([
      [0, 'approval.submitted'],
      [0, 'approval.approved'],
    ]);

    const events = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    const chained = (await auditItems(env.store)).filter((item) => item.value.ev !== undefined);
    // linked into the chain (seq, hashes), each event exactly as the change wrote it, and the one the feed hands out
    expect(chained.every((item) => (item.value.seq as number) > 0)).toBe(true);
    expect(chained.map((item) => item.value.ev)).toEqual(pending.map((item) => item.value.ev));
    expect(events.map((e) => e.id)).toEqual(pending.map((item) => (item.value.ev as { id: string }).id));
    expect(await env.audit.verify()).toMatchObject({ ok: true });
  });

  it('audit lists, exports and evidence packs do not show the event', async () => {
    const env = await setup();
    await submitAndApprove(env, '2001');
    const ids = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => e.id);
    expect(ids).toHaveLength(2);
    const shown = [
      JSON.stringify(await env.audit.list({}, { limit: 100 })),
      (await env.audit.exportChunk({}, 'ndjson')).content,
      (await env.audit.exportChunk({}, 'csv')).content,
      await evidencePack(env, '2001'),
    ];
    for (const text of shown) for (const id of ids) expect(text).not.toContain(id);
    // the NDJSON lines are the records as hashed, nothing more
    for (const line of (await env.audit.exportChunk({}, 'ndjson')).content.trim().split('\n')) expect(Object.keys(JSON.parse(line))).not.toContain('ev');
  });

  it('an event the catalogue rejects leaves its record intact: the sequencer links it with its `ev` unchanged, verify and lists pass, the feed passes over it', async () => {
    const env = await setup();
    await submitAndApprove(env, '2001');
    // still pending: an `ev` from another catalogue (here a type this one does not know) must not stop the sequencer
    const [item] = (await auditItems(env.store)).filter((i) => i.value.ev !== undefined);
    const foreign = { id: 'evt-x', type: 'approval.nope', data: {} };
    await env.store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: item.key, value: { ...item.value, ev: foreign } }]);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => e.type)).toEqual(['approval.approved']);
    const linked = (await auditItems(env.store)).find((i) => i.key === item.key)!;
    expect(linked.value.seq as number).toBeGreaterThan(0);
    expect(linked.value.ev).toEqual(foreign);
    expect(await env.audit.verify()).toMatchObject({ ok: true });
    expect((await env.audit.list({}, { limit: 100 })).items.map((r) => r.action)).toContain('approval.submitted');
    // altered after linking: the same
    await env.store.transact([{ op: 'put', entity: AUDIT_ENTITY, key: item.key, value: { ...linked.value, ev: { id: 'evt-y', type: 'approval.submitted' } } }]);
    expect(await env.audit.verify()).toMatchObject({ ok: true });
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => e.type)).toEqual(['approval.approved']);
  });

  it('an `ev` of a type its record does not publish is not served: a valid type on the wrong record, or an `ev` on a record that publishes none', async () => {
    const env = await setup();
    await submitAndApprove(env, '2001');
    const submitted = (await auditItems(env.store)).find((i) => recordOfEntity(i).action === 'approval.submitted')!;
    const rec = recordOfEntity(submitted);
    await env.store.transact(env.audit.prepareAppend([{ actor: ALICE, action: 'access.denied', spaceId: rec.spaceId, source: 'ui', details: {} }]));
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => e.type)).toEqual(['approval.submitted', 'approval.approved']);
    const items = await auditItems(env.store);
    const actionOf = (item: EntityItem) => recordOfEntity(item).action;
    const approved = items.find((i) => actionOf(i) === 'approval.approved')!;
    const denied = items.find((i) => actionOf(i) === 'access.denied')!;
    expect(denied.value.ev).toBeUndefined();
    const ev = approved.value.ev as { id: string; data: Record<string, unknown> };
    await env.store.transact([
      { op: 'put', entity: AUDIT_ENTITY, key: approved.key, value: { ...approved.value, ev: { ...ev, type: 'approval.rejected' } } },
      { op: 'put', entity: AUDIT_ENTITY, key: denied.key, value: { ...denied.value, ev: { id: 'evt-denied', type: 'approval.approved', data: {} } } },
    ]);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => e.type)).toEqual(['approval.submitted']);
    expect(await env.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('events written before they moved into audit records (af-event items)', () => {
  it('are served in chain order with new ones, through a cursor, until the window passes; the daily job then deletes them', async () => {
    const env = await setup();
    await submitAndApprove(env, '2001');
    // written by the earlier release, still pending when this one is deployed
    await toOldShape(env.store);
    expect(await eventItems(env.store)).toHaveLength(2);
    const first = await env.engine.events.list(ui(ALICE), { limit: 1 });
    expect(first.events.map((e) => [e.type, e.pageId, e.actor])).toEqual([['approval.submitted', '2001', BOB]]);

    env.tick(DAY_MS);
    await submitAndApprove(env, '2002');
    const next = await env.engine.events.list(ui(ALICE), { limit: 50, cursor: first.nextCursor });
    expect(next.events.map((e) => `${e.pageId}:${e.type}`)).toEqual(['2001:approval.approved', '2002:approval.submitted', '2002:approval.approved']);
    const fresh = await env.engine.events.list(ui(ALICE), { limit: 50 });
    expect(fresh.events.map((e) => e.id)).toEqual([...first.events, ...next.events].map((e) => e.id));

    // within the window the daily job keeps them; past it they go (the feed no longer hands them out)
    const job = () => runDailyJob.execute(createContext(env.deps), { deadline: Number.MAX_SAFE_INTEGER });
    env.tick(12 * DAY_MS);
    await job();
    expect(await eventItems(env.store)).toHaveLength(2);
    env.tick(1.5 * DAY_MS);
    await job();
    expect(await eventItems(env.store)).toEqual([]);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => `${e.pageId}:${e.type}`)).toEqual(['2002:approval.submitted', '2002:approval.approved']);
  });

  it("an af-event item serves only its id, type and data: space, page, actor and time are its record's; a type its record does not publish is not served", async () => {
    const env = await setup();
    await env.engine.approvals.submitPage(ui(BOB), '2001');
    await toOldShape(env.store);
    const [item] = await eventItems(env.store);
    const served = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    expect(served).toEqual([item.value.ev]);
    // an item naming another space (or page, approval, actor, time) than its record: the record's are served
    const altered = { ...(item.value.ev as Record<string, unknown>), spaceId: '1002', pageId: '9999', approvalId: 'apr-x', actor: 'someone', occurredAt: new Date(0).toISOString() };
    await env.store.transact([{ op: 'put', entity: EVENT_ENTITY, key: item.key, value: { ...item.value, space: '1002', ev: altered } }]);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events).toEqual(served);
    // a valid type the record's action does not publish
    await env.store.transact([{ op: 'put', entity: EVENT_ENTITY, key: item.key, value: { ...item.value, ev: { ...(item.value.ev as Record<string, unknown>), type: 'approval.approved' } } }]);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events).toEqual([]);
  });
});

describe('purging old af-event items while index queries lag (docs/forge-platform.md U22)', () => {
  it('deletes each item once and reports done, although the index still lists the ones just deleted', async () => {
    const memory = new MemoryStore();
    const now = Date.UTC(2026, 5, 1);
    const old = timeDigits(now - 400 * DAY_MS);
    const items = Array.from({ length: 30 }, (_, i) => ({ op: 'put' as const, entity: EVENT_ENTITY, key: `ev:${old}-${i}`, value: { sk: `${old}-${String(i).padStart(2, '0')}`, space: '1001', ev: {} } }));
    await memory.transact(items.slice(0, 25));
    await memory.transact(items.slice(25));
    const lagging = new EventualIndexStore(memory);
    expect(await purgeExpiredEvents(lagging, now, 1000)).toEqual({ removed: 30, done: true });
    expect(await memory.queryEntity({ entity: EVENT_ENTITY, index: 'by-time', partition: [], limit: 100 })).toEqual({ items: [] });
  });
});
