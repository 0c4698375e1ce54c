/**
 * Issue 18 item 9: the byline, the job consumer and the scheduled triggers check the licence like
 * every other entry point (an inactive licence does no work and reads nothing).
 */
import { createQueueConsumer } from '../../src/transport/queue/consumer';
import { createBylinePropertiesHandler } from '../../src/transport/byline/byline-properties';
import { LICENSE_INACTIVE_MESSAGE } from '../../src/transport/licence';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import type { LocalRuntime } from '../../local/server';
import { startTestRuntime } from './helpers';

const INACTIVE = { license: { isActive: false } };

it('the byline reads nothing on an unlicensed site and says why', async () => {
  const reads: string[] = [];
  const byline = createBylinePropertiesHandler({ store: new MemoryStore(), readPage: async (_a, pageId) => (reads.push(pageId), undefined) });
  const payload = { extension: { content: { id: '2001' } } };
  expect(await byline(payload, { ...INACTIVE, principal: { accountId: 'acc-bob' } })).toEqual({ title: 'Approval', tooltip: LICENSE_INACTIVE_MESSAGE });
  expect(reads).toEqual([]);
  await byline(payload, { license: { isActive: true }, principal: { accountId: 'acc-bob' } });
  expect(reads).toEqual(['2001']);
});

it('the job consumer does no work on an unlicensed site and asks for no redelivery', async () => {
  let ran = 0;
  const logs: string[] = [];
  const consumer = createQueueConsumer({
    handlers: () => new Proxy({}, { get: () => async () => void (ran += 1) }) as never,
    retry: (seconds) => ({ retryAfter: seconds }),
    log: (message) => logs.push(message),
  });
  expect(await consumer({ body: { kind: 'audit.sequence' } }, INACTIVE)).toBeUndefined();
  expect([ran, logs]).toEqual([0, ['job dropped: licence inactive']]);
});

describe('scheduled triggers declare filter.appIsLicensed', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime();
  });
  afterAll(() => runtime.close());

  it('the runtime skips them on an unlicensed site, as Forge does, and runs them again once licensed', async () => {
    const licence = (active: boolean) => fetch(`${runtime.url}/local/site/license`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active }) });
    const run = async () => ((await (await fetch(`${runtime.url}/local/scheduled/run`, { method: 'POST' })).json()) as { ran: Array<{ key: string; outcome: string }> }).ran;
    await licence(false);
    const skipped = await run();
    expect(skipped.map((r) => r.key).sort()).toEqual(['audit-checkpoint-trigger', 'audit-sequencer-trigger', 'lifecycle-daily-trigger']);
    expect(skipped.every((r) => r.outcome === 'skipped-unlicensed')).toBe(true);
    await licence(true);
    expect((await run()).every((r) => r.outcome === 'ok')).toBe(true);
  });
});
