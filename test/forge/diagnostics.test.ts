/** Platform diagnostics: bounded recent records, names only, and assumption verdicts from what was seen. */
import { DiagnosticsLog, FULLY_RECORDED, JOINT_COUNT_STRIDE, RECENT_RECORDS } from '../../src/transport/diagnostics/diagnostics-log';
import { observeApiHandlers } from '../../src/transport/diagnostics/observe-api';
import { offerRide, rideOnJobs } from '../../src/transport/diagnostics/job-ride';
import { rideOnAnswer } from '../../src/transport/diagnostics/answer-ride';
import type { Job } from '../../src/core/ports/jobs';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { CountingStore } from '../../src/adapters/store/counting-store';
import type { ForgeApiHandler, ForgeApiRequest } from '../../src/transport/api/forge-types';
import type { IdentityObservation } from '../../src/transport/api/identity';

import { realContextToken } from '../support/context-token';

const ok: ForgeApiHandler = async () => ({ statusCode: 200, headers: {}, body: '{}' });

function request(method: string, headers: Record<string, string[]>, claims?: { accountId: string; clientId: string }): ForgeApiRequest {
  return { method, headers, body: '', context: { moduleKey: 'page-status' }, ...(claims ? { contextToken: realContextToken('page-status', claims.accountId, { clientId: claims.clientId }) } : {}) };
}

describe('platform diagnostics', () => {
  it('starts with every assumption unobserved', async () => {
    const summary = await new DiagnosticsLog(new MemoryStore()).summary();
    expect(summary.invocations).toEqual([]);
    expect(summary.identityFailures).toBe(0);
    expect(summary.assumptions.every((a) => a.observed === 'unobserved')).toBe(true);
  });

  it('records each invocation by names, counts identity failures and judges the assumptions', async () => {
    let now = 1_000;
    const log = new DiagnosticsLog(new MemoryStore(), () => (now += 1));
    const api = observeApiHandlers({ apiPageStatus: ok }, log);
    await api.apiPageStatus(request('POST', { accept: ['application/json'] }, { accountId: 'acc-bob', clientId: 'ci' }), {});
    await api.apiPageStatus(request('GET', { 'Idempotency-Key': ['k-secret'] }), {});
    await log.recordObservation('appUserIsConfluenceAdmin', false);
    const summary = await log.summary();
    expect(summary.invocations.map((i) => [i.method, i.principalSource, i.clientIdSource, i.headerNames, i.identityFailed])).toEqual([
      ['GET', 'none', 'unavailable', ['idempotency-key'], true],
      ['POST', 'contextToken.accountId', 'contextToken.clientId', ['accept'], false],
    ]);
    expect(summary.identityFailures).toBe(1);
    const verdicts = Object.fromEntries(summary.assumptions.map((a) => [a.key, a.observed]));
    expect(verdicts).toEqual({
      'apiRoutePrincipal.context': 'refuted',
      'apiRoutePrincipal.contextToken': 'holds',
      'contextToken.shape': 'holds',
      apiRouteClientId: 'holds',
      'apiRouteHeaders.contentType': 'refuted',
      'apiRouteHeaders.idempotencyKey': 'holds',
      apiRouteImpersonation: 'unobserved',
      appUserIsConfluenceAdmin: 'refuted',
      pageListOperations: 'unobserved',
    });
    expect(JSON.stringify(summary)).not.toMatch(/acc-bob|k-secret|"ci"/);
  });

  it('keeps the list bounded to the most recent records', async () => {
    let now = 0;
    const log = new DiagnosticsLog(new MemoryStore(), () => (now += 1));
    const observation: IdentityObservation = { principalSource: 'none', clientIdSource: 'unavailable', contextTokenPresent: false, tokenClaimNames: [], headerNames: [], identityFailed: true };
    for (let i = 0; i < RECENT_RECORDS + 5; i += 1) await log.recordIfAdmitted('dep', 'page-status', 'GET', observation);
    const summary = await log.summary();
    expect(summary.invocations).toHaveLength(RECENT_RECORDS);
    expect(summary.invocations[0].at).toBe(RECENT_RECORDS + 5);
  });

  it('issue 25 finding 6: a flood of invalid requests cannot push a real identity failure out of the panel\'s window', async () => {
    let now = 0;
    const log = new DiagnosticsLog(new MemoryStore(), () => (now += 1));
    const invalid: ForgeApiHandler = async () => ({ statusCode: 400, headers: {}, body: '{}' });
    const throttled: ForgeApiHandler = async () => ({ statusCode: 429, headers: {}, body: '{}' });
    const api = observeApiHandlers({ apiPageStatus: ok, apiInvalid: invalid, apiThrottled: throttled }, log);
    await api.apiPageStatus(request('GET', {}), {}); // no identity: a real failure
    const identified = request('POST', {}, { accountId: 'acc-mallory', clientId: 'ci' });
    for (let i = 0; i < RECENT_RECORDS * 2; i += 1) await (i % 2 ? api.apiInvalid : api.apiThrottled)(identified, {});
    const summary = await log.summary();
    expect(summary.identityFailures).toBe(1);
    expect(summary.invocations).toHaveLength(1);
    // an unidentified invalid call is still an identity failure worth seeing
    await api.apiInvalid(request('GET', {}), {});
    expect((await log.summary()).identityFailures).toBe(2);
  });

  it('a failing diagnostics store never changes the API answer', async () => {
    const broken = new DiagnosticsLog({ transact: async () => Promise.reject(new Error('down')) } as never);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const res = await observeApiHandlers({ apiPageStatus: ok }, broken).apiPageStatus(request('GET', {}), {});
    expect(res.statusCode).toBe(200);
    warn.mockRestore();
  });
});

describe('diagnostics riding on a request (issue 23)', () => {
  it('a record that cannot be built rides nowhere: the answer and the jobs go as they would without diagnostics', async () => {
    const request = {};
    const ops = jest.fn(async () => []);
    const unbuildable = () => {
      throw new Error('unbuildable');
    };
    offerRide(request, unbuildable, ops);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await rideOnAnswer(request, 201)).toBeUndefined();
    const jobs: Job[] = [{ kind: 'submission.followUp', approvalIds: ['apr-1'], sequenceAudit: true }];
    expect(rideOnJobs(request)?.(jobs).jobs).toEqual(jobs);
    // logged by the error's name only, never what the record held
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(Array(2).fill('diagnostics: could not build an invocation record: Error'));
    warn.mockRestore();
    expect(ops).not.toHaveBeenCalled();
  });
});

describe('diagnostics sampling per deployment', () => {
  const ok: IdentityObservation = { principalSource: 'contextToken.accountId', clientIdSource: 'unavailable', contextTokenPresent: true, tokenClaimNames: [], headerNames: [], identityFailed: false };
  const failed: IdentityObservation = { ...ok, principalSource: 'none', identityFailed: true };

  it('records the first calls of a deployment in full, then one in SAMPLE_EVERY; identity failures always; a new version starts over', async () => {
    const store = new CountingStore(new MemoryStore());
    const log = new DiagnosticsLog(store);
    const record = (deployment: string, observation: IdentityObservation, random: () => number) => log.recordIfAdmitted(deployment, 'page-status', 'GET', observation, random);
    for (let i = 0; i < FULLY_RECORDED; i += 1) expect(await record('v1', ok, () => 0.99)).toBe(true);
    // the count rides in the record's transaction: one read and one transaction per counted call
    store.reset();
    expect(await record('v1', ok, () => 0.99)).toBe(false);
    expect(await record('v1', ok, () => 0)).toBe(true); // the sampled one in SAMPLE_EVERY
    expect(await record('v1', failed, () => 0.99)).toBe(true);
    expect(await record('v2', ok, () => 0.99)).toBe(true);
    expect({ get: store.counts.get, transact: store.counts.transact }).toEqual({ get: 2, transact: 3 });
    expect((await log.summary()).invocations).toHaveLength(RECENT_RECORDS);
  });

  it('a record joining its request\'s transaction counts JOINT_COUNT_STRIDE calls, one draw in JOINT_COUNT_STRIDE; past the full calls it is sampled', async () => {
    const store = new MemoryStore();
    const log = new DiagnosticsLog(store);
    const riding = log.riding('v1', 'changeset-create', 'POST', ok);
    const keysOf = (ops: Array<{ key: string }>) => ops.map((op) => op.key.split(':').slice(0, 2).join(':'));
    // most joint records leave the deployment's counter alone: few writers contend on it
    expect(keysOf(await log.admittedOps(riding, () => 0.5))).toEqual(['diag:inv']);
    const counted = await log.admittedOps(riding, () => 0.5 / JOINT_COUNT_STRIDE);
    expect(counted.map((op) => [op.key.split(':')[1], op.op === 'put' ? op.value : undefined])).toEqual([['count', JOINT_COUNT_STRIDE], ['inv', riding.record]]);
    await store.transact(counted);
    for (let seen = JOINT_COUNT_STRIDE; seen < FULLY_RECORDED; seen += JOINT_COUNT_STRIDE) await store.transact((await log.admittedOps(riding, () => 0)).slice(0, 1));
    // the count reached, a joint record is sampled like any other: not admitted, no ops
    expect(await log.admittedOps(riding, () => 0.99)).toEqual([]);
    expect(keysOf(await log.admittedOps(riding, () => 0))).toEqual(['diag:inv']);
  });
});
