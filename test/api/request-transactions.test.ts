/**
 * The request path of keyed writes (issue 13): the rate-limit markers ride in the Idempotency-Key
 * claim, a page submit records its answer (and claims its key, issue 23) in its own transaction, a small change set commits with
 * its membership; and a retried key still replays the first answer.
 */
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { StoreError, type TxOp } from '../../src/core/ports/store';
import { createLocalApp } from '../../local/app';
import { buildSeed, createLocalSite } from '../../local/site';
import { call } from './helpers';
import { approvalIndex } from '../../src/core/services/keys';
import { DiagnosticsLog, JOINT_COUNT_STRIDE } from '../../src/transport/diagnostics/diagnostics-log';

/** Records each transaction's ops: the key prefix of plain items, `entity:<name>` of entity items. */
class TxLog extends StoreDecorator {
  readonly tx: string[][] = [];
  /** runs before each transaction (to play a concurrent writer) */
  before?: (ops: TxOp[]) => Promise<void>;
  override async transact(ops: TxOp[]): Promise<void> {
    this.tx.push(ops.map((o) => (o.entity ? `entity:${o.entity}` : o.key.split(':')[0])));
    await this.before?.(ops);
    return this.inner.transact(ops);
  }
}

async function app() {
  const base = new MemoryStore();
  const log = new TxLog(base);
  const local = createLocalApp({ store: log, site: createLocalSite() });
  await local.ready;
  log.tx.length = 0;
  return { local, log, base };
}

/**
 * Draws that make a joint diagnostics record carry the deployment's count (one in JOINT_COUNT_STRIDE
 * does): the tests below then see the count's op, and its condition, every time.
 */
const countingDraws = () => jest.spyOn(Math, 'random').mockReturnValue(0.5 / JOINT_COUNT_STRIDE);

/** A request's own transactions: without the diagnostics record every apiRoute invocation writes. */
const requestTx = (log: TxLog) => log.tx.filter((t) => !t.every((p) => p === 'diag'));

it('a keyed page submit is ONE transaction (its claim, answer and rate-limit count ride in it), and the retry replays the first answer', async () => {
  const { local, log } = await app();
  const first = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-1' });
  expect(first.status).toBe(201);
  expect(requestTx(log)).toEqual([
    // the audit record is an `af-audit` entity that also carries its feed event (issue 23: no `af-event`
    // item), then the append's one unsequenced marker `audit:pending:…` (no head), in the same transaction (SPEC 3a);
    // `submit-epoch`: the space's check that no assignment change, atomic submit or workflow delete
    // came meanwhile (services/submit-epoch.ts; no atomic submit in flight, so no `set-member` check);
    // `wf-pending` is the workflow's pending count ("nothing pending" never reads the lagging index):
    // one shard's +1; `idem` is the key's record, created with the answer (issue 23: no in-progress
    // marker first), `rl` the write's count
    ['entity:af-approval', 'page-state', 'submit-epoch', 'wf-pending', 'idem', 'rl', 'rl', 'entity:af-audit', 'audit'],
  ]);
  log.tx.length = 0;
  const again = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-1' });
  expect([again.status, again.json, again.headers['idempotent-replayed']]).toEqual([201, { ...first.json, replayed: true }, ['true']]);
  expect(requestTx(log)).toEqual([]);
  await local.idle();
});

it('a refused keyed page submit records its refusal after it (nothing committed with it) and replays it', async () => {
  const { local } = await app();
  await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' } });
  const refused = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-2' });
  expect([refused.status, refused.json.code]).toEqual([409, 'PENDING_APPROVAL']);
  const again = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-2' });
  expect([again.status, again.json, again.headers['idempotent-replayed']]).toEqual([409, { ...refused.json, replayed: true }, ['true']]);
  await local.idle();
});

it('a keyed create of a small change set is three transactions: claim, change set with membership, answer with the diagnostics record (issue 23)', async () => {
  const { local, log } = await app();
  const body = { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] };
  const draws = countingDraws();
  const first = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body, idempotencyKey: 'create-1' });
  draws.mockRestore();
  expect(first.status).toBe(201);
  expect(log.tx).toHaveLength(3);
  expect(log.tx[0]).toEqual(['idem', 'rl', 'rl']);
  expect(log.tx[1].filter((p) => p === 'cs-page')).toHaveLength(2);
  // the invocation's record and the deployment's count join the answer's record: no transaction of their own
  expect(log.tx[2]).toEqual(['idem', 'diag', 'diag']);
  expect((await new DiagnosticsLog(log).summary()).invocations.map((i) => i.route)).toEqual(['changeset-create']);
  const again = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body, idempotencyKey: 'create-1' });
  expect([again.status, again.json]).toEqual([201, { ...first.json, replayed: true }]);
});

it('a keyed refusal recorded after the attempt carries the diagnostics record too (a page submit\'s 409, issue 23)', async () => {
  const { local, log } = await app();
  await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' } });
  await local.idle();
  log.tx.length = 0;
  const draws = countingDraws();
  const refused = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-refused' });
  draws.mockRestore();
  expect([refused.status, refused.json.code]).toEqual([409, 'PENDING_APPROVAL']);
  expect(log.tx).toEqual([['idem', 'rl', 'rl', 'diag', 'diag']]);
  await local.idle();
});

it('a joint transaction that fails on the diagnostics count still records the answer, and the record follows on its own', async () => {
  const { local, log, base } = await app();
  // another invocation counts meanwhile: the count's condition fails in the joint transaction only
  log.before = async (ops) => {
    const count = ops.find((op) => op.key.startsWith('diag:count:'));
    if (!count || !ops.some((op) => op.key.startsWith('idem:'))) return;
    log.before = undefined;
    const current = await base.get<number>(count.key);
    await base.transact([{ op: 'put', key: count.key, value: (current?.value ?? 0) + 1 }]);
  };
  const body = { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }] };
  const draws = countingDraws();
  const first = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body, idempotencyKey: 'create-race' });
  draws.mockRestore();
  expect(first.status).toBe(201);
  expect(log.tx.slice(2)).toEqual([['idem', 'diag', 'diag'], ['idem'], ['diag', 'diag']]);
  expect((await new DiagnosticsLog(log).summary()).invocations.map((i) => i.route)).toEqual(['changeset-create']);
  const again = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body, idempotencyKey: 'create-race' });
  expect([again.status, again.json]).toEqual([201, { ...first.json, replayed: true }]);
});

it('a keyed page submit leaves its diagnostics record to its follow-up job: written once, by the consumer (issue 23)', async () => {
  const { local, log } = await app();
  const submitted = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-diag' });
  expect(submitted.status).toBe(201);
  await local.idle();
  const followUps = local.queue.deliveries.filter((d) => d.body.kind === 'submission.followUp');
  expect(followUps.map((d) => (d.body.diagnostics as { record: { route: string; method: string } }).record)).toMatchObject([{ route: 'page-submit', method: 'POST' }]);
  // one transaction writes it (with the deployment's count), and the panel shows it once
  expect(log.tx.filter((t) => t.includes('diag'))).toEqual([['diag', 'diag']]);
  const summary = await new DiagnosticsLog(log).summary();
  expect(summary.invocations.map((i) => i.route)).toEqual(['page-submit']);
});

/** A header name past the diagnostics record's 100-character bound (a caller chooses header names). */
const LONG_HEADER = { [`x-${'h'.repeat(148)}`]: ['v'] };

it('a keyed create with a 150-character header name answers 201, replays, and records the name cut to 100 characters', async () => {
  const { local, log } = await app();
  const body = { spaceId: '1001', title: 'PR', pageRefs: [{ pageId: '2001' }] };
  const first = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body, idempotencyKey: 'create-long-header', headers: LONG_HEADER });
  expect(first.status).toBe(201);
  const again = await call(local.api, 'changeset-create', { accountId: 'acc-bob', body, idempotencyKey: 'create-long-header', headers: LONG_HEADER });
  expect([again.status, again.json]).toEqual([201, { ...first.json, replayed: true }]);
  const [recorded] = (await new DiagnosticsLog(log).summary()).invocations;
  expect(recorded?.headerNames).toContain(`x-${'h'.repeat(98)}`);
});

it("a keyed page submit with a 150-character header name queues its follow-up jobs, its diagnostics record riding on them", async () => {
  const { local } = await app();
  const submitted = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-long-header', headers: LONG_HEADER });
  expect(submitted.status).toBe(201);
  await local.idle();
  const followUps = local.queue.deliveries.filter((d) => d.body.kind === 'submission.followUp');
  expect(followUps.map((d) => (d.body.diagnostics as { record: { route: string } }).record.route)).toEqual(['page-submit']);
});

it('a follow-up push the queue refuses leaves the diagnostics record to the wrapper: a queue outage loses no record', async () => {
  const { local, log } = await app();
  const push = jest.spyOn(local.queue, 'push').mockRejectedValueOnce(new Error('queue down'));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const submitted = await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-outage' });
  expect(submitted.status).toBe(201);
  await local.idle();
  expect(push).toHaveBeenCalled();
  expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('could not enqueue jobs')]);
  warn.mockRestore();
  expect(local.queue.deliveries.filter((d) => d.body.kind === 'submission.followUp')).toEqual([]);
  const summary = await new DiagnosticsLog(log).summary();
  expect(summary.invocations.map((i) => [i.route, i.method])).toEqual([['page-submit', 'POST']]);
});

it('two concurrent keyed page submits with one key submit once, and both answer the one approval (issue 23: no marker, the claim is the change)', async () => {
  const { local, log } = await app();
  const [a, b] = await Promise.all([1, 2].map(() => call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'same' })));
  expect([a.status, b.status]).toEqual([201, 201]);
  expect(a.json.approvalId).toBe(b.json.approvalId);
  expect([a.json.replayed, b.json.replayed].filter(Boolean)).toEqual([true]);
  // one approval, one pending count: the page was submitted once
  const pending = await log.queryEntity<{ page: string }>({ ...approvalIndex.pendingOfWorkflow(a.json.workflowId), limit: 100 });
  expect(pending.items.filter((i) => i.value.page === '2001').map((i) => i.key)).toEqual([a.json.approvalId]);
  await local.idle();
});

/** Remembers every key whose condition refused a transaction (the stores name it in the message). */
class RefusedKeys extends StoreDecorator {
  readonly keys: string[] = [];
  override async transact(ops: TxOp[]): Promise<void> {
    try {
      await this.inner.transact(ops);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'CONDITION_FAILED') this.keys.push(/"([^"]+)"/.exec(err.message)?.[1] ?? '?');
      throw err;
    }
  }
}

/** The seed plus `count` published copies of page 2001 with ids from `firstId` on (pages created one after another). */
function siteWithPages(firstId: number, count: number) {
  const seed = buildSeed();
  const template = seed.pages.find((p) => p.id === '2001');
  if (!template) throw new Error('seed page 2001 is missing');
  for (let i = 0; i < count; i++) seed.pages.push({ ...structuredClone(template), id: String(firstId + i) });
  return createLocalSite({ seed });
}

it("a keyed page submit counts its write on the user's rate-limit shard numbered like the pending-count shard it writes (issue 23)", async () => {
  const { local, log } = await app();
  const ops: TxOp[][] = [];
  const transact = log.transact.bind(log);
  jest.spyOn(log, 'transact').mockImplementation((tx) => (ops.push(tx), transact(tx)));
  expect((await call(local.api, 'page-submit', { accountId: 'acc-bob', body: { pageId: '2001' }, idempotencyKey: 'submit-slot' })).status).toBe(201);
  const submit = ops.find((tx) => tx.some((o) => o.key.startsWith('wf-pending:')));
  const shardOf = (prefix: string) => submit?.find((o) => o.key.startsWith(prefix))?.key.split(':').pop();
  // both found (undefined === undefined would pass), then equal
  expect([shardOf('rl:write:u:'), shardOf('wf-pending:')]).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
  expect(shardOf('rl:write:u:')).toBe(shardOf('wf-pending:'));
  await local.idle();
});

it('40 concurrent keyed submits of nearby pages by one user through 40 clients: no transaction refused on a counter, each page submitted once (issue 23, bench 4B)', async () => {
  const store = new RefusedKeys(new MemoryStore());
  const local = createLocalApp({ store, site: siteWithPages(7001, 40) });
  await local.ready;
  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) => call(local.api, 'page-submit', { accountId: 'acc-bob', clientId: `client-${i}`, body: { pageId: String(7001 + i) }, idempotencyKey: `burst-${i}` })),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));
  expect(new Set(answers.map((a) => a.json.approvalId)).size).toBe(40);
  // before: each counter's shard was a random (rate limit) or hashed (pending count) pick, and picks met
  expect(store.keys.filter((key) => key.startsWith('rl:') || key.startsWith('wf-pending:'))).toEqual([]);
  await local.idle();
});
