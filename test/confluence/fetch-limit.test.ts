/**
 * U25, Forge's per-invocation request cap: the proxy's 429 `forge-proxy-error: FETCH_LIMIT_EXCEEDED`
 * is never retried (a retry spends another call) and becomes 413 TOO_MANY_CONFLUENCE_CALLS; the gate
 * counts every attempt against the profile's cap; the local twin refuses past the cap, per invocation.
 */
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { ForgeConfluenceTransport, type PlatformRefusal } from '../../src/adapters/forge/forge-confluence-transport';
import type { ConfluenceRequest, ConfluenceResponse } from '../../src/adapters/confluence/transport';
import { DOCUMENTED_PLATFORM_PROFILE } from '../../src/adapters/platform-profile';
import { DomainError } from '../../src/core/domain/errors';
import { productionTransport } from '../../local/site/forge-bridge';
import { createLocalSite } from '../../local/site';

type ForgeFetch = (descriptor: Record<string, unknown>, path: string, init: { method?: string; body?: string }) => Promise<Response>;
const globals = globalThis as unknown as { __forge_fetch__?: ForgeFetch };

const PAGE: ConfluenceRequest = { method: 'GET', path: '/wiki/api/v2/pages/2001', actAs: 'app' };
const OK: ConfluenceResponse = { status: 200, headers: {}, body: {} };
const CAP_REFUSAL: ConfluenceResponse = { status: 429, headers: { 'forge-proxy-error': 'FETCH_LIMIT_EXCEEDED', 'retry-after': '1' }, body: undefined };
const noWait = (options: ConstructorParameters<typeof CallGate>[0] = {}) => new CallGate({ sleep: async () => undefined, ...options });

/** What a call through the gate throws: its code and status. */
async function thrown(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, status: err.status };
    throw err;
  }
  throw new Error('expected a refusal');
}

afterEach(() => {
  delete globals.__forge_fetch__;
});

describe('the call gate', () => {
  it('never retries FETCH_LIMIT_EXCEEDED (an ordinary 429 is retried), answers 413, and makes no later call of the invocation', async () => {
    let calls = 0;
    const gate = noWait();
    expect(await thrown(gate.run(async () => (calls++, CAP_REFUSAL)))).toEqual({ code: 'TOO_MANY_CONFLUENCE_CALLS', status: 413 });
    expect(calls).toBe(1);
    expect(await thrown(gate.run(async () => (calls++, OK)))).toEqual({ code: 'TOO_MANY_CONFLUENCE_CALLS', status: 413 });
    expect([calls, gate.callsLeft()]).toEqual([1, 0]);

    let plain = 0;
    const ordinary = await noWait().run(async () => (plain++ === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: undefined } : OK));
    expect([ordinary.status, plain]).toEqual([200, 2]);
  });

  it('counts every attempt (retries included) against the cap and refuses the call past it without making it', async () => {
    let calls = 0;
    const gate = noWait({ callLimit: 3 });
    expect(gate.callsLeft()).toBe(3);
    let first = true;
    await gate.run(async () => (calls++, first ? ((first = false), { status: 503, body: undefined }) : OK));
    expect(gate.callsLeft()).toBe(1);
    await gate.run(async () => (calls++, OK));
    expect(await thrown(gate.run(async () => (calls++, OK)))).toEqual({ code: 'TOO_MANY_CONFLUENCE_CALLS', status: 413 });
    expect([calls, gate.callsLeft()]).toEqual([3, 0]);
    expect(noWait().callsLeft()).toBeUndefined();
  });
});

describe('the production transport', () => {
  it('answers the proxy refusal with its own 429 (never as Confluence\'s 403 "no"), records it, and the gate turns it into 413 after one call', async () => {
    let calls = 0;
    globals.__forge_fetch__ = async () => {
      calls += 1;
      return new Response('{}', { status: 429, headers: { 'forge-proxy-error': 'FETCH_LIMIT_EXCEEDED' } });
    };
    const refusals: PlatformRefusal[] = [];
    const transport = new ForgeConfluenceTransport(undefined, (r) => refusals.push(r));
    expect(await transport.request(PAGE)).toEqual({ status: 429, headers: { 'forge-proxy-error': 'FETCH_LIMIT_EXCEEDED' }, body: undefined });
    expect(await thrown(noWait().run(() => transport.request(PAGE)))).toEqual({ code: 'TOO_MANY_CONFLUENCE_CALLS', status: 413 });
    expect(calls).toBe(2);
    expect(refusals).toEqual([
      { errorCode: 'FETCH_LIMIT_EXCEEDED', status: 429, actAs: 'app' },
      { errorCode: 'FETCH_LIMIT_EXCEEDED', status: 429, actAs: 'app' },
    ]);
  });
});

describe('the local twin', () => {
  it('answers calls past the cap 429 FETCH_LIMIT_EXCEEDED, counted per invocation (per transport), and only under a capped profile', async () => {
    const site = createLocalSite({ profile: { ...DOCUMENTED_PLATFORM_PROFILE, confluenceCallsPerInvocation: 2 } });
    const invocation = site.transport();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await invocation.request(PAGE));
    expect(answers.map((a) => [a.status, a.headers?.['forge-proxy-error']])).toEqual([
      [200, undefined],
      [200, undefined],
      [429, 'FETCH_LIMIT_EXCEEDED'],
    ]);
    expect((await site.transport().request(PAGE)).status).toBe(200);
    const uncapped = createLocalSite().transport();
    for (let i = 0; i < 120; i++) expect((await uncapped.request(PAGE)).status).toBe(200);
  });

  it('through the production transport, the cap reaches the app as the platform sends it: one refused call, 413 from the gate', async () => {
    const site = createLocalSite({ profile: { ...DOCUMENTED_PLATFORM_PROFILE, confluenceCallsPerInvocation: 1 } });
    const refusals: PlatformRefusal[] = [];
    const transport = productionTransport(site, undefined, (r) => refusals.push(r));
    const gate = noWait();
    expect((await gate.run(() => transport.request(PAGE))).status).toBe(200);
    expect(await thrown(gate.run(() => transport.request(PAGE)))).toEqual({ code: 'TOO_MANY_CONFLUENCE_CALLS', status: 413 });
    expect(refusals).toEqual([{ errorCode: 'FETCH_LIMIT_EXCEEDED', status: 429, actAs: 'app' }]);
    expect(site.calls.byEndpoint['GET (fetch limit)']).toBe(1);
  });
});
