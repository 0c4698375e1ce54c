/**
 * Retention (SPEC 2.10) in the daily job: superseded resolved approvals older than the window are
 * purged (the page's current approval never is), audit records older than 365 days are purged with
 * a verifying chain, and only site admins lengthen the windows, never below the minimums.
 */
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { AUDIT_PURGE_PER_RUN, runDailyJob } from '../../src/core/lifecycle/daily-job';
import type { Job } from '../../src/core/ports/jobs';
import type { KeyValueStore, TxOp } from '../../src/core/ports/store';
import { engineJobHandlers } from '../../src/core/services/jobs';
import { lcKeys } from '../../src/core/records/lifecycle-keys';
import { readRetentionSettings, updateRetentionSettings } from '../../src/core/lifecycle/retention';
import { APPROVAL_ENTITY } from '../../src/core/ports/entities';
import { keys } from '../../src/core/services/keys';
import { approvalOfItem } from '../../src/core/services/approvals/stored';
import { ALICE, BOB, CAROL, ENG, api, codeOf, setup, ui } from '../engine/helpers';
import { createContext } from '../../src/core/services/context';
import { DAY_MS } from '../../src/core/domain/time';
import { lifecycleSetup } from './support';

/** A store whose every transaction advances the test clock (a slow store, without sleeping). */
class SlowTransactions extends StoreDecorator {
  constructor(
    inner: KeyValueStore,
    private readonly elapse: () => void,
  ) {
    super(inner);
  }
  override async transact(ops: TxOp[]): Promise<void> {
    this.elapse();
    return this.inner.transact(ops);
  }
}

describe('retention', () => {
  test('after 181 days a superseded approval is purged with a record; the page keeps its current approval', async () => {
    const env = await lifecycleSetup();
    const old = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.approvals.cancel(ui(BOB), old.id);
    const current = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.approvals.decide(ui(CAROL), current.id, 'approve');

    env.advanceDays(179);
    expect((await env.run()).approvalsPurged).toBe(0);
    env.advanceDays(2);
    expect((await env.run()).approvalsPurged).toBe(1);
    expect(await env.store.getEntities(APPROVAL_ENTITY, [old.id])).toEqual([]);
    const history = await env.engine.approvals.history(ui(BOB), '2001');
    expect(history.map((h) => h.id)).toEqual([current.id]);
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).state).toBe('approved');
    const purged = (await env.auditRecords()).filter((r) => r.action === 'approval.purged');
    expect(purged.map((r) => r.approvalId)).toEqual([old.id]);
    // the kept approval is looked at again one window later, not every day
    expect((await env.run()).approvalsPurged).toBe(0);
    const resolved = await env.store.query({ prefix: lcKeys.resolvedPrefix, limit: 10 });
    expect(resolved.items.map((i) => (i.value as { approvalId: string }).approvalId)).toEqual([current.id]);
  });

  test('a superseded approval stored in the old shape (approval:<id>, an item without rec, approval-comment:<id>) is purged with its old keys', async () => {
    const env = await lifecycleSetup();
    const old = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.approvals.cancel(ui(BOB), old.id);
    // as written before the approval moved into its item
    const [item] = await env.store.getEntities(APPROVAL_ENTITY, [old.id]);
    const { rec: _rec, ...index } = item.value;
    // and before follow-up records: no followUp, its comment id under its own key
    const { followUp: _followUp, ...oldRec } = approvalOfItem(item)!;
    await env.store.transact([
      { op: 'put', key: keys.approval(old.id), value: oldRec, condition: { kind: 'absent' } },
      { op: 'put', entity: APPROVAL_ENTITY, key: old.id, value: index },
      { op: 'put', key: keys.approvalComment(old.id), value: { commentId: 'c-old' } },
    ]);
    await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');

    env.advanceDays(181);
    expect((await env.run()).approvalsPurged).toBe(1);
    expect(await env.store.getEntities(APPROVAL_ENTITY, [old.id])).toEqual([]);
    expect(await env.store.get(keys.approval(old.id))).toBeUndefined();
    expect(await env.store.get(keys.approvalComment(old.id))).toBeUndefined();
  });

  test('a follow-up record shared by a change set\'s approvals loses only the purged approval\'s comment id, and goes with the last one', async () => {
    const env = await setup();
    const ctx = createContext(env.deps, () => undefined);
    const run = () => runDailyJob.execute(ctx, { deadline: env.deps.clock.now() + 10 * 60_000 });
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    const [first, second] = (await env.engine.changeSets.submit(api(BOB), cs.id)).results.map((r) => r.approvalId!);
    const record = keys.submissionComments(((await env.store.get(keys.pageState('2001')))!.value as { followUp: string }).followUp);
    const idsIn = async () => Object.keys(((await env.store.get(record))?.value as { comments: Record<string, string> } | undefined)?.comments ?? {});
    expect(await idsIn()).toEqual([first, second]);
    // both superseded: cancelled and submitted again, one of them a day later
    await env.engine.approvals.cancel(api(BOB), first);
    await env.engine.approvals.submitPage(ui(BOB), '2001');
    env.tick(DAY_MS);
    await env.engine.approvals.cancel(api(BOB), second);
    await env.engine.approvals.submitPage(ui(BOB), '2002');

    env.tick(180 * DAY_MS);
    expect((await run()).approvalsPurged).toBe(1);
    expect(await idsIn()).toEqual([second]);
    env.tick(DAY_MS);
    expect((await run()).approvalsPurged).toBe(1);
    expect(await env.store.get(record)).toBeUndefined();
  });

  test('a purge whose follow-up record changed between its read and its write re-reads it: the other approvals\' ids recorded meanwhile stay', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    const [first, second] = (await env.engine.changeSets.submit(api(BOB), cs.id)).results.map((r) => r.approvalId!);
    const record = keys.submissionComments(((await env.store.get(keys.pageState('2001')))!.value as { followUp: string }).followUp);
    const idsIn = async () => Object.keys(((await env.store.get(record))?.value as { comments: Record<string, string> } | undefined)?.comments ?? {});
    await env.engine.approvals.cancel(api(BOB), first);
    await env.engine.approvals.submitPage(ui(BOB), '2001');
    env.tick(181 * DAY_MS);
    // a twin follow-up job records another id after the purge read the record and before its write
    let raced = false;
    const racing = Object.create(env.deps.store) as typeof env.deps.store;
    racing.transact = async (ops) => {
      if (!raced && ops.some((o) => o.key === record)) {
        raced = true;
        const now = (await env.deps.store.get<{ comments: Record<string, string> }>(record))!;
        await env.deps.store.transact([{ op: 'put', key: record, value: { comments: { ...now.value.comments, 'apr-twin': 'c-twin' } }, condition: { kind: 'version', version: now.version } }]);
      }
      return env.deps.store.transact(ops);
    };
    const ctx = createContext({ ...env.deps, store: racing }, () => undefined);
    expect((await runDailyJob.execute(ctx, { deadline: env.deps.clock.now() + 10 * 60_000 })).approvalsPurged).toBe(1);
    expect(raced).toBe(true);
    expect(await idsIn()).toEqual([second, 'apr-twin']);
  });

  test('after 366 days older audit records are purged and the kept chain verifies', async () => {
    const env = await lifecycleSetup();
    const a = await env.engine.approvals.submitPage(ui(BOB), '2002', 'wf-eng-review');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    const before = await env.auditRecords();
    env.advanceDays(366);
    const result = await env.run();
    expect(result.auditRecordsPurged).toBe(before.length);
    const after = await env.auditRecords();
    expect(after.some((r) => r.seq <= before.at(-1)!.seq)).toBe(false);
    expect(after.filter((r) => r.action === 'audit.purged')).toHaveLength(1);
    expect((await env.audit.verify()).ok).toBe(true);
    expect((await env.run()).auditRecordsPurged).toBe(0);
  });

  test('an audit purge larger than one chunk finishes in the same run, chunk after chunk, with one purge record', async () => {
    const env = await lifecycleSetup();
    for (let i = 0; i < AUDIT_PURGE_PER_RUN + 50; i++) {
      await env.store.transact(env.ctx.audit.prepareAppend([{ actor: ALICE, action: 'workflow.updated', spaceId: '1001', source: 'ui', workflowId: 'wf-recert', details: { n: i } }]));
    }
    const kept = (await env.auditRecords()).length;
    env.advanceDays(366);
    expect(await env.run()).toMatchObject({ auditRecordsPurged: kept, more: false });
    expect((await env.audit.verify()).ok).toBe(true);
    expect((await env.auditRecords()).map((r) => r.action)).toEqual(['audit.purged']);
    expect(await env.run()).toMatchObject({ auditRecordsPurged: 0, more: false });
  });

  test('a run stopped by its deadline with records left asks for a lifecycle.continue pass at once, which finishes them (issue 23)', async () => {
    let tick: ((ms: number) => void) | undefined;
    // every transaction takes a simulated second, so a 20-second run ends after its first chunk
    const env = await lifecycleSetup({ wrap: (s) => new SlowTransactions(s, () => tick?.(1_000)) });
    for (let i = 0; i < AUDIT_PURGE_PER_RUN + 50; i++) {
      await env.store.transact(env.ctx.audit.prepareAppend([{ actor: ALICE, action: 'workflow.updated', spaceId: '1001', source: 'ui', workflowId: 'wf-recert', details: { n: i } }]));
    }
    const kept = (await env.auditRecords()).length;
    env.advanceDays(366);
    tick = (ms) => env.tick(ms);
    const pushed: Job[] = [];
    const ctx = { ...env.ctx, jobs: { push: async (jobs: Job[]) => void pushed.push(...jobs) } };
    const first = await runDailyJob.execute(ctx, { deadline: env.deps.clock.now() + 20_000 });
    expect(first).toMatchObject({ auditRecordsPurged: AUDIT_PURGE_PER_RUN, more: true, auditMore: true });
    expect(pushed).toEqual([{ kind: 'lifecycle.continue' }]);

    await engineJobHandlers(ctx)['lifecycle.continue']({ kind: 'lifecycle.continue' });
    expect(pushed).toHaveLength(1); // nothing left: no further pass
    tick = undefined;
    expect((await env.auditRecords()).map((r) => r.action)).toEqual(['audit.purged']);
    expect((await env.audit.verify()).ok).toBe(true);
    expect(kept).toBeGreaterThan(AUDIT_PURGE_PER_RUN);
  });

  test('a pass that gets nothing done (its deadline already passed) does not ask for another', async () => {
    const env = await lifecycleSetup();
    await env.store.transact(env.ctx.audit.prepareAppend([{ actor: ALICE, action: 'workflow.updated', spaceId: '1001', source: 'ui', workflowId: 'wf-recert', details: {} }]));
    env.advanceDays(366);
    const pushed: Job[] = [];
    const ctx = { ...env.ctx, jobs: { push: async (jobs: Job[]) => void pushed.push(...jobs) } };
    expect(await runDailyJob.execute(ctx, { deadline: env.deps.clock.now() })).toMatchObject({ auditRecordsPurged: 0, more: true });
    expect(pushed).toEqual([]);
  });

  test('site admins lengthen the windows (audited); shorter than the minimum is refused; others are refused', async () => {
    const env = await lifecycleSetup();
    expect(await readRetentionSettings(env.ctx)).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 365 });
    expect(await updateRetentionSettings.execute(env.ctx, ui(ALICE), { auditRetentionDays: 730 })).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 730 });
    expect(await codeOf(updateRetentionSettings.execute(env.ctx, ui(ALICE), { approvalRetentionDays: 179 }))).toBe('RETENTION_TOO_SHORT');
    expect(await codeOf(updateRetentionSettings.execute(env.ctx, ui(BOB), { auditRetentionDays: 999 }))).toBe('FORBIDDEN');
    expect(await readRetentionSettings(env.ctx)).toEqual({ approvalRetentionDays: 180, auditRetentionDays: 730 });
    const records = (await env.auditRecords()).filter((r) => r.action === 'retention.updated');
    expect(records).toHaveLength(1);

    // with 730 days, nothing is purged after 366
    env.advanceDays(366);
    expect((await env.run()).auditRecordsPurged).toBe(0);
  });
});

describe('approval retention while index queries lag (docs/forge-platform.md U22)', () => {
  test('the purge walks the resolved entries once: the ones it deleted or moved on a moment ago, still listed, are not handled again', async () => {
    let lagging!: EventualIndexStore;
    let onQuery = () => {};
    const env = await lifecycleSetup({
      wrap: (store) => {
        lagging = new EventualIndexStore(store);
        const query = lagging.query.bind(lagging);
        lagging.query = (options) => (onQuery(), query(options));
        return lagging;
      },
    });
    const old = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.approvals.cancel(ui(BOB), old.id);
    const current = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
    await env.engine.approvals.decide(ui(CAROL), current.id, 'approve');
    env.advanceDays(181);
    lagging.settle();
    // each listing now takes 20 s of the run's 10-minute deadline, so a run that keeps re-reading stops there
    onQuery = () => env.tick(20_000);
    expect(await env.run()).toMatchObject({ approvalsPurged: 1, more: false });
    lagging.settle();
    const resolved = await env.store.query({ prefix: lcKeys.resolvedPrefix, limit: 10 });
    expect(resolved.items.map((i) => (i.value as { approvalId: string }).approvalId)).toEqual([current.id]);
  });
});
