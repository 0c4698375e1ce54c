/**
 * `approval.receipt` (SPEC 5a in the page panel) through the resolvers over the real engine: an
 * approved page's receipt verifies against the published keys and names the approved version; a
 * pending page has none; a page the caller cannot view answers exactly like a missing one.
 */
import { createPublicKey, verify } from 'node:crypto';
import { createResolverApp } from '../security/resolver-app';

it('an approved page gives its signed receipt; a pending one none; an invisible page answers like a missing one', async () => {
  const app = await createResolverApp();
  const submitted = await app.invoke('acc-bob', 'page.submit', {}, { pageId: '2001' });
  expect((await app.invoke('acc-bob', 'approval.receipt', {}, { pageId: '2001' })).receipt).toBeNull();
  expect((await app.invoke('acc-carol', 'approval.decide', { approvalId: submitted.approval.id, decision: 'approve' }, { pageId: '2001' })).success).toBe(true);

  const answer = await app.invoke('acc-bob', 'approval.receipt', {}, { pageId: '2001' });
  expect(answer.success).toBe(true);
  const receipt = answer.receipt as { payload: string; signature: string; keyId: string };
  const status = await app.invoke('acc-bob', 'page.status', {}, { pageId: '2001' });
  expect(JSON.parse(receipt.payload)).toMatchObject({ pageId: '2001', pageVersion: status.status.approvedAtVersion, workflowId: 'wf-eng-review', decisions: [{ accountId: 'acc-carol', decision: 'approve' }] });
  const keys = (await app.invoke('acc-alice', 'evidence.keys', {})).keys as { keyId: string; publicKey: string }[];
  const key = keys.find((k) => k.keyId === receipt.keyId);
  expect(key).toBeDefined();
  expect(verify(null, Buffer.from(receipt.payload, 'utf8'), createPublicKey(key!.publicKey), Buffer.from(receipt.signature, 'base64'))).toBe(true);

  // acc-erin cannot view 2012; 9999 does not exist: the same refusal
  const hidden = await app.invoke('acc-erin', 'approval.receipt', { pageId: '2012' });
  const missing = await app.invoke('acc-erin', 'approval.receipt', { pageId: '9999' });
  expect(hidden).toEqual(missing);
  expect(hidden).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
});
