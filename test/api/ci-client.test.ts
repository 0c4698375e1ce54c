/**
 * examples/ci-client.ts against the local runtime over real HTTP: gateway, token scopes, handlers,
 * engine and local site. Approvers act through the engine as UI users would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalFlowClient, ApiError, checkPublishedVersion, receiptSignatureValid, runCiApproval, type SigningKey } from '../../examples/ci-client';
import { startLocalRuntime, type LocalRuntime } from '../../local/server';
import { DEFAULT_INDEX_LAG_MS } from '../../src/adapters/store/eventual-index-store';
import { profileFromEnv } from '../../local/profile';

const ALL_SCOPES = ['read:forge-app:confluence', 'read:change-set:custom', 'write:change-set:custom', 'read:approval:custom', 'write:approval:custom', 'read:event:custom'];

let runtime: LocalRuntime;
let baseUrls: string[];

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, memory: true, profile: profileFromEnv() });
  const info = (await (await fetch(`${runtime.url}/local/info`)).json()) as { apiBaseUrls: string[] };
  baseUrls = info.apiBaseUrls;
});

afterAll(async () => {
  await runtime?.close();
});

async function devToken(accountId: string, scopes = ALL_SCOPES, clientId = 'ci-pipeline'): Promise<string> {
  const res = await fetch(`${runtime.url}/local/oauth/dev-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId, clientId, scopes }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Carol (approver of wf-eng-review) decides every pending approval the run submitted. */
function approverActs(decision: 'approve' | 'reject') {
  return async ({ phase, data }: { phase: string; data: Record<string, unknown> }) => {
    if (phase !== 'submitted') return;
    for (const r of data.results as { approvalId?: string }[]) {
      if (!r.approvalId) continue;
      await runtime.app.getEngine({ actingAccountId: 'acc-carol' }).approvals.decide(
        { accountId: 'acc-carol', source: 'ui' },
        r.approvalId,
        decision,
        decision === 'reject' ? 'Please fix the diagram on this page before release.' : undefined,
      );
    }
  };
}

it('both base-URL forms: create, preflight, submit, poll until approved; audit says api + client id', async () => {
  expect(baseUrls).toHaveLength(2);
  const token = await devToken('acc-bob');
  const pagesPerForm = [['2001', '2002'], ['2003']];
  for (const [i, baseUrl] of baseUrls.entries()) {
    const client = new ApprovalFlowClient({ baseUrl, token });
    const result = await runCiApproval(client, {
      spaceId: '1001',
      pageIds: pagesPerForm[i],
      title: `PR #${i}`,
      referenceUrl: `https://git.example.com/pr/${i}`,
      pollIntervalMs: 10,
      timeoutMs: 10_000,
      onProgress: approverActs('approve'),
    });
    expect(result.outcome).toBe('approved');
    expect(result.pages.map((p) => [p.pageId, p.state])).toEqual(pagesPerForm[i].map((id) => [id, 'approved']));
  }
  runtime.clock.advance(DEFAULT_INDEX_LAG_MS); // the audit trail may lag its writes (strict profile)
  const audit = await runtime.app.getEngine({ actingAccountId: 'acc-alice' }).audit.list({ accountId: 'acc-alice', source: 'ui' }, { action: 'changeset.submitted' }, { limit: 10 });
  expect(audit.items.length).toBe(2);
  // the client id reaches the audit only where the platform profile puts it; otherwise it says so
  const clientId = profileFromEnv().apiRouteClientId === 'absent' ? 'unavailable' : 'ci-pipeline';
  for (const record of audit.items) expect([record.actor, record.source, record.clientId]).toEqual(['acc-bob', 'api', clientId]);
});

it('a rejection and an unsubmittable draft page are reported as such', async () => {
  const client = new ApprovalFlowClient({ baseUrl: baseUrls[0], token: await devToken('acc-bob') });
  const rejected = await runCiApproval(client, { spaceId: '1001', pageIds: ['2004'], title: 'PR rejected', pollIntervalMs: 10, timeoutMs: 10_000, onProgress: approverActs('reject') });
  expect(rejected.outcome).toBe('rejected');
  expect(rejected.pages).toEqual([{ pageId: '2004', state: 'changes_requested', isStale: false }]);

  const blocked = await runCiApproval(client, { spaceId: '1001', pageIds: ['2011'], title: 'PR with a draft', pollIntervalMs: 10, timeoutMs: 1_000 });
  expect(blocked.outcome).toBe('blocked');
  expect(blocked.pages).toEqual([expect.objectContaining({ pageId: '2011', state: 'not_submitted', code: 'PAGE_NOT_PUBLISHED' })]);
});

/** Carol approves once the client has read the pages' first status (so the decision reaches it through the feed or the next poll). */
function approveAfterFirstStatus() {
  let done = false;
  const phases: string[] = [];
  const act = async ({ phase, data }: { phase: string; data: Record<string, unknown> }) => {
    phases.push(phase);
    if (phase === 'submitted') {
      act.approvalIds = (data.results as { approvalId?: string }[]).flatMap((r) => (r.approvalId ? [r.approvalId] : []));
      return;
    }
    if (phase !== 'polled' || done) return;
    done = true;
    for (const id of act.approvalIds) {
      await runtime.app.getEngine({ actingAccountId: 'acc-carol' }).approvals.decide({ accountId: 'acc-carol', source: 'ui' }, id, 'approve');
    }
  };
  act.approvalIds = [] as string[];
  act.phases = phases;
  return act;
}

it('follows the event feed: the approval arrives as an event and the client then reads that page once more', async () => {
  const client = new ApprovalFlowClient({ baseUrl: baseUrls[0], token: await devToken('acc-bob') });
  const progress = approveAfterFirstStatus();
  const result = await runCiApproval(client, { spaceId: '1001', pageIds: ['2006'], title: 'PR via feed', pollIntervalMs: 10, timeoutMs: 10_000, onProgress: progress });
  expect(result.outcome).toBe('approved');
  expect(progress.phases).toEqual(['created', 'preflight', 'submitted', 'polled', 'event']);
});

it('without read:event:custom the client falls back to polling each page', async () => {
  const noFeed = await devToken('acc-bob', ALL_SCOPES.filter((s) => s !== 'read:event:custom'));
  const client = new ApprovalFlowClient({ baseUrl: baseUrls[0], token: noFeed, maxAttempts: 1 });
  const progress = approveAfterFirstStatus();
  const result = await runCiApproval(client, { spaceId: '1001', pageIds: ['2007'], title: 'PR by polling', pollIntervalMs: 10, timeoutMs: 10_000, onProgress: progress });
  expect(result.outcome).toBe('approved');
  expect(progress.phases).toEqual(['created', 'preflight', 'submitted', 'polled', 'polled']);
});

it('a token without the write scope is refused by the gateway and the client surfaces the error', async () => {
  const readOnly = await devToken('acc-bob', ['read:forge-app:confluence', 'read:change-set:custom', 'read:approval:custom']);
  const client = new ApprovalFlowClient({ baseUrl: baseUrls[0], token: readOnly, maxAttempts: 1 });
  const error = await runCiApproval(client, { spaceId: '1001', pageIds: ['2005'], title: 'no scope' }).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(ApiError);
  expect([401, 403]).toContain((error as ApiError).status);
  const list = await runtime.app.getEngine({ actingAccountId: 'acc-bob' }).changeSets.list({ accountId: 'acc-bob', source: 'ui' }, { spaceId: '1001', limit: 100 });
  expect(list.items.filter((c) => c.title === 'no scope')).toEqual([]);
});

it('issue 25 finding 14: the README\'s integration scopes are enough to submit and poll; without read:approval:custom the gateway\'s message is surfaced', async () => {
  // the scopes README.md registers for the example CI client
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const scopes = /register-integration -- --name my-ci [^\n]*--scopes "([^"]+)"/.exec(readme)![1].split(' ');
  expect(scopes).toContain('read:approval:custom');
  const client = new ApprovalFlowClient({ baseUrl: baseUrls[0], token: await devToken('acc-bob', scopes), maxAttempts: 1 });
  const submitted = await runCiApproval(client, { spaceId: '1001', pageIds: ['2006'], title: 'readme scopes', pollIntervalMs: 10, timeoutMs: 200 }).catch((err: unknown) => err);
  expect(submitted).not.toBeInstanceOf(ApiError);

  const noPolling = new ApprovalFlowClient({ baseUrl: baseUrls[0], token: await devToken('acc-bob', scopes.filter((s) => s !== 'read:approval:custom')), maxAttempts: 1 });
  const error = (await noPolling.get('/pages/status', { pageId: '2006' }).catch((err: unknown) => err)) as ApiError;
  expect(error).toBeInstanceOf(ApiError);
  expect([error.status, error.message]).toEqual([403, expect.stringMatching(/^gateway: .+/)]);
});

it('the CI gate passes only for the approved version, verified offline against GET /keys; an altered receipt fails', async () => {
  const token = await devToken('acc-bob');
  const client = new ApprovalFlowClient({ baseUrl: baseUrls[0], token });
  const result = await runCiApproval(client, { spaceId: '1001', pageIds: ['2005'], title: 'Receipt', pollIntervalMs: 10, timeoutMs: 10_000, onProgress: approverActs('approve') });
  expect(result.outcome).toBe('approved');
  const version = Number((await client.get('/pages/status', { pageId: '2005' })).approvedAtVersion);
  expect(await checkPublishedVersion(client, '2005', version)).toMatchObject({ ok: true, approvedVersion: version });
  expect(await checkPublishedVersion(client, '2005', version + 1)).toMatchObject({ ok: false, approvedVersion: version });
  expect((await checkPublishedVersion(client, '2006', 1)).ok).toBe(false); // never approved

  const keys = (await client.get('/keys', {})).keys as SigningKey[];
  const receipt = (await client.get('/pages/status', { pageId: '2005' })).approvalReceipt as { payload: string; signature: string; keyId: string };
  expect(receiptSignatureValid(receipt, keys)).toBe(true);
  expect(receiptSignatureValid({ ...receipt, payload: receipt.payload.replace(`"pageVersion":${version}`, `"pageVersion":${version + 1}`) }, keys)).toBe(false);
});
