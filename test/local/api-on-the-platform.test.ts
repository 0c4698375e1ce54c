/**
 * Issue 18 "done when", through the local runtime's gateway: under the default `documented` profile
 * an API write records the client id and a header-keyed retry replays with `"replayed": true`;
 * under `strict` (user only in the real-shape token, no client id, no forwarded headers, no response
 * headers) the API still works: the query-parameter key replays, audit says `clientId:
 * "unavailable"`, and a 429 carries `retryAfter` in its body.
 */
import { DOCUMENTED_PLATFORM_PROFILE, STRICT_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';
import type { LocalRuntime } from '../../local/server';
import { ALL_SCOPES, devToken, invoke, startTestRuntime } from './helpers';

async function post(runtime: LocalRuntime, path: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(runtime.info.apiBaseUrls[0] + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The audit record of one change set's creation, as a site admin reads it. */
async function creationRecord(runtime: LocalRuntime, changeSetId: string) {
  await runtime.app.idle();
  runtime.settleIndexes(); // the audit trail may lag its writes (strict profile)
  const reply = await invoke(runtime, 'acc-alice', { moduleKey: 'approvalflow-admin', functionKey: 'audit.list', payload: { spaceId: '1001' } });
  return (reply.body.records as Array<Record<string, unknown>>).find((r) => r.changeSetId === changeSetId && String(r.action).startsWith('changeset.created'));
}

const create = (title: string) => ({ spaceId: '1001', title, pageRefs: [{ pageId: '2001' }] });

describe('documented (default) profile', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ profile: DOCUMENTED_PLATFORM_PROFILE });
  });
  afterAll(() => runtime.close());

  it("an API write records the token's client id, and a retry with the same Idempotency-Key header replays with replayed: true", async () => {
    const token = devToken(runtime, ALL_SCOPES, 'acc-bob', 'ci-pipeline-7');
    const first = await post(runtime, '/changeSets/create', token, create('PR 1'), { 'idempotency-key': 'doc-1' });
    expect(first.status).toBe(201);
    expect(first.json).not.toHaveProperty('replayed');
    const again = await post(runtime, '/changeSets/create', token, create('PR 1'), { 'idempotency-key': 'doc-1' });
    expect([again.status, again.json.replayed, again.json.changeSet.id]).toEqual([201, true, first.json.changeSet.id]);
    // custom response headers do not reach the caller under this profile: the body says it
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(await creationRecord(runtime, first.json.changeSet.id)).toMatchObject({ actor: 'acc-bob', source: 'api', clientId: 'ci-pipeline-7' });
  });
});

describe('strict profile', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ profile: STRICT_PLATFORM_PROFILE });
  });
  afterAll(() => runtime.close());

  it('the user comes from the real-shape token; the header key never arrives, the idempotencyKey query parameter replays', async () => {
    const token = devToken(runtime, ALL_SCOPES, 'acc-bob', 'ci-pipeline-7');
    // the header is not forwarded: two executions, two change sets (what a header-only client gets)
    const a = await post(runtime, '/changeSets', token, create('PR 2'), { 'idempotency-key': 'hdr-1' });
    const b = await post(runtime, '/changeSets', token, create('PR 2'), { 'idempotency-key': 'hdr-1' });
    expect([a.status, b.status, b.json.replayed]).toEqual([201, 201, undefined]);
    expect(b.json.changeSet.id).not.toBe(a.json.changeSet.id);

    const first = await post(runtime, '/changeSets/create?idempotencyKey=q-1', token, create('PR 3'));
    const again = await post(runtime, '/changeSets/create?idempotencyKey=q-1', token, create('PR 3'));
    expect([first.status, again.status, again.json.replayed, again.json.changeSet.id]).toEqual([201, 201, true, first.json.changeSet.id]);
    expect(first.json.changeSet.createdBy).toBe('acc-bob');
    expect(await creationRecord(runtime, first.json.changeSet.id)).toMatchObject({ actor: 'acc-bob', source: 'api', clientId: 'unavailable' });
  });

  it('a 429 carries retryAfter in its body (the Retry-After header does not reach the caller)', async () => {
    const token = devToken(runtime, ['read:forge-app:confluence', 'read:approval:custom'], 'acc-erin', 'probe');
    let res: Response | undefined;
    // page 2012 is not Erin's to see: each 404 counts against the denied-call limit (30 a fixed minute) until it is
    // 429; a run that crosses a minute boundary splits its calls over two windows, so up to twice the limit + 1
    for (let i = 0; i < 2 * 31; i += 1) {
      res = await fetch(`${runtime.info.apiBaseUrls[0]}/pages/status?pageId=2012`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status === 429) break;
      await res.text();
      // KNOWN GAP (docs/forge-platform.md U22): the limiter ranks its markers through a query, so calls
      // within the index lag are not counted yet; this test is about the 429's body, so it waits the lag out
      runtime.settleIndexes();
    }
    expect(res!.status).toBe(429);
    expect(res!.headers.get('retry-after')).toBeNull();
    const body = (await res!.json()) as { code: string; retryAfter: number };
    expect(body.code).toBe('RATE_LIMITED');
    expect(body.retryAfter).toBeGreaterThan(0);
  });
});
