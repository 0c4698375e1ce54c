/**
 * SPEC 5a approval receipts and GET /keys over the real engine: a receipt from /pages/status verifies
 * offline against the published key with Node's crypto alone, and fails when its payload is altered.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { assemblePack, type EvidenceChunk } from '../../src/core/domain/evidence-pack-format';
import { verifyEvidenceFile } from '../../scripts/verify-evidence';
import { createRealApi } from './real-app';
import { call, type CallOptions, type CallResult } from './helpers';
import { assertMatchesOpenApi } from './openapi-validator';
import type { ApiRouteKey } from '../../src/transport/api/routes';

let app: Awaited<ReturnType<typeof createRealApi>>;

beforeEach(async () => {
  app = await createRealApi();
});

async function api(key: ApiRouteKey, options: CallOptions = {}): Promise<CallResult> {
  const res = await call(app.handlers, key, options);
  assertMatchesOpenApi(key, res);
  return res;
}

function verifies(receipt: { payload: string; signature: string; keyId: string }, keys: { keyId: string; publicKey: string }[]): boolean {
  const key = keys.find((k) => k.keyId === receipt.keyId);
  return key !== undefined && verify(null, Buffer.from(receipt.payload, 'utf8'), createPublicKey(key.publicKey), Buffer.from(receipt.signature, 'base64'));
}

it('an approved page carries a receipt that verifies against GET /keys and fails when altered', async () => {
  const submitted = await api('page-submit', { body: { pageId: '2001' } });
  const pending = await api('page-status', { query: { pageId: '2001' } });
  expect(pending.json.approvalReceipt).toBeUndefined();
  await app.engine.approvals.decide({ accountId: 'acc-carol', source: 'ui' }, submitted.json.approvalId, 'approve');

  const status = await api('page-status', { query: { pageId: '2001' } });
  const receipt = status.json.approvalReceipt as { payload: string; signature: string; keyId: string };
  const payload = JSON.parse(receipt.payload) as Record<string, unknown>;
  expect(payload).toEqual({
    pageId: '2001',
    pageVersion: status.json.approvedAtVersion,
    workflowId: 'wf-eng-review',
    decisions: [{ step: 0, accountId: 'acc-carol', decision: 'approve', at: expect.any(Number) }],
    approvedAt: expect.any(Number),
  });
  // Canonical: keys sorted, no whitespace, so a verifier can also rebuild it.
  expect(receipt.payload).toBe(JSON.stringify(Object.fromEntries(Object.entries(payload).sort(([a], [b]) => (a < b ? -1 : 1)))));

  const keys = await api('keys', { query: {} });
  expect(keys.status).toBe(200);
  expect(keys.json.keys).toEqual([{ keyId: receipt.keyId, publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\n/), validFrom: expect.any(String) }]);
  expect(verifies(receipt, keys.json.keys)).toBe(true);
  expect(verifies({ ...receipt, payload: receipt.payload.replace(`"pageVersion":${String(payload.pageVersion)}`, `"pageVersion":${String(Number(payload.pageVersion) + 1)}`) }, keys.json.keys)).toBe(false);
  expect(verifies({ ...receipt, keyId: 'ffffffffffffffff' }, keys.json.keys)).toBe(false);

  // The key is stable: a second read publishes the same one and the same receipt verifies.
  expect((await api('keys', { query: {} })).json.keys).toEqual(keys.json.keys);
  // No private key material in any answer.
  expect(JSON.stringify(keys.json)).not.toContain('PRIVATE');
});

it('GET /keys takes no parameters, needs a user, and answers only through its own route', async () => {
  expect((await call(app.handlers, 'keys', { query: { accountId: 'acc-alice' } })).status).toBe(400);
  expect((await call(app.handlers, 'keys', { query: {}, accountId: null })).status).toBe(401);
  expect((await call(app.handlers, 'keys', { query: {}, moduleKey: 'page-submit' })).json.code).toBe('SCOPE_MISMATCH');
});

it('GET /evidence: chunks join into a pack that verifies offline; only admins export; one scope per request', async () => {
  const submitted = await api('page-submit', { body: { pageId: '2001' } });
  await app.engine.approvals.decide({ accountId: 'acc-carol', source: 'ui' }, submitted.json.approvalId, 'approve');

  const chunks: EvidenceChunk[] = [];
  let cursor: string | undefined;
  do {
    const res = await api('evidence', { query: { pageId: '2001', ...(cursor ? { cursor } : {}) }, accountId: 'acc-alice' });
    expect(res.status).toBe(200);
    chunks.push(res.json as EvidenceChunk);
    cursor = res.json.nextCursor;
  } while (cursor);
  const pack = JSON.stringify(await assemblePack(chunks, async (t: string) => createHash('sha256').update(t, 'utf8').digest('hex')));
  const keys = (await api('keys', { query: {} })).json;
  expect(await verifyEvidenceFile(pack, JSON.stringify(keys))).toBe('ok');

  expect((await api('evidence', { query: { pageId: '2001' }, accountId: 'acc-bob' })).json.code).toBe('FORBIDDEN');
  expect((await api('evidence', { query: { pageId: '2012' }, accountId: 'acc-erin' })).json.code).toBe('PAGE_NOT_FOUND');
  expect((await api('evidence', { query: { pageId: '9999' }, accountId: 'acc-erin' })).json.code).toBe('PAGE_NOT_FOUND');
  expect((await api('evidence', { query: { pageId: '2001', approvalId: 'x' } })).status).toBe(400);
  expect((await api('evidence', { query: {} })).status).toBe(400);
  expect((await api('evidence', { query: { pageId: '2001', cursor: 'forged' }, accountId: 'acc-alice' })).json.code).toBe('INVALID_CURSOR');
});

it('audit A#5: GET /evidence?approvalId of an approval on a page the caller cannot view answers exactly as a missing approval', async () => {
  const submitted = await api('page-submit', { body: { pageId: '2012' } });
  expect(submitted.status).toBe(201);
  const missing = await api('evidence', { query: { approvalId: 'apr_doesnotexist' }, accountId: 'acc-erin' });
  const hidden = await api('evidence', { query: { approvalId: submitted.json.approvalId }, accountId: 'acc-erin' });
  expect([missing.status, missing.json.code]).toEqual([404, 'APPROVAL_NOT_FOUND']);
  expect([hidden.status, hidden.json]).toEqual([missing.status, missing.json]);
});

it('GET /evidence finds an atomic set approval by its set_… id and by each pinned page; the pack verifies (audit B5)', async () => {
  const pages = ['2001', '2003'];
  const created = await api('changeset-create', { body: { spaceId: '1001', title: 'Release 12', pageRefs: pages.map((pageId) => ({ pageId })), approvalMode: 'atomic' } });
  const changeSetId = created.json.changeSet.id as string;
  const setApprovalId = (await api('changeset-submit', { body: { changeSetId } })).json.setApprovalId as string;
  await app.engine.changeSets.decide({ accountId: 'acc-carol', source: 'ui' }, { setApprovalId, decision: 'approve', pageAck: pages });
  app.settleIndexes();
  const keys = JSON.stringify((await api('keys', { query: {} })).json);
  // AF_PROFILE=strict: a first export links the pending records, and the index shows them linked a moment later
  await api('evidence', { query: { approvalId: setApprovalId }, accountId: 'acc-alice' });
  app.settleIndexes();
  const exported = async (query: Record<string, string>) => {
    const chunks: EvidenceChunk[] = [];
    let cursor: string | undefined;
    do {
      const res = await api('evidence', { query: { ...query, ...(cursor ? { cursor } : {}) }, accountId: 'acc-alice' });
      expect(res.status).toBe(200);
      chunks.push(res.json as EvidenceChunk);
      cursor = res.json.nextCursor;
    } while (cursor);
    const pack = await assemblePack(chunks, async (t: string) => createHash('sha256').update(t, 'utf8').digest('hex'));
    expect(await verifyEvidenceFile(JSON.stringify(pack), keys)).toBe('ok');
    const lines = pack.files['records.ndjson'].split('\n').filter(Boolean);
    return lines.map((l) => JSON.parse(l) as { action: string; changeSetId?: string });
  };
  const setActions = ['changeset.submitted', 'changeset.decided', 'changeset.approved'];
  const bySet = await exported({ approvalId: setApprovalId });
  expect(bySet.map((r) => r.action)).toEqual(setActions);
  expect(bySet.every((r) => r.changeSetId === changeSetId)).toBe(true);
  for (const pageId of pages) {
    expect((await exported({ pageId })).map((r) => r.action).filter((a) => a.startsWith('changeset.'))).toEqual(setActions);
  }
  // a page the set does not pin gets none of them; an unknown set id answers like an unknown approval
  expect((await exported({ pageId: '2002' })).filter((r) => r.action.startsWith('changeset.'))).toEqual([]);
  expect((await api('evidence', { query: { approvalId: 'set_unknown' }, accountId: 'acc-alice' })).json.code).toBe('APPROVAL_NOT_FOUND');
  expect((await api('evidence', { query: { approvalId: setApprovalId }, accountId: 'acc-frank' })).json.code).toBe('APPROVAL_NOT_FOUND');
});

it("a page's evidence reads a bounded number of audit pages however many change sets list the page (review)", async () => {
  for (let i = 0; i < 30; i++) expect((await api('changeset-create', { body: { spaceId: '1001', title: `Set ${i}`, pageRefs: [{ pageId: '2002' }] } })).status).toBe(201);
  app.settleIndexes();
  const queries = jest.spyOn(app.store, 'queryEntity');
  let cursor: string | undefined;
  do {
    const res = await api('evidence', { query: { pageId: '2002', ...(cursor ? { cursor } : {}) }, accountId: 'acc-alice' });
    expect(res.status).toBe(200);
    cursor = res.json.nextCursor;
  } while (cursor);
  // the page's own records and its set-member pointer's set approvals (none here), not one read per change set
  expect(queries.mock.calls.length).toBeLessThan(10);
});
