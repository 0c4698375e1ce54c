/**
 * Audit A#5 (SECURITY; common standard "missing" and "not yours" refused alike): every operation
 * taking an approval id answers an approval on a page the caller cannot view exactly as a
 * nonexistent approval (APPROVAL_NOT_FOUND, same status and message), BEFORE any check that tells
 * its state (approver, submitter, pending, signature), changes nothing, and records access.denied.
 * Erin cannot view the DOCS space, nor the restricted page 2012 of ENG (a space she can view).
 */
import { createResolverApp, type Reply, type ResolverApp } from './resolver-app';

const MISSING = 'apr_doesnotexist';

/** Each operation taking an approval id, as Custom UI calls it. */
const OPERATIONS: Array<[string, string, (approvalId: string) => Record<string, unknown>]> = [
  ['approve', 'approval.decide', (approvalId) => ({ approvalId, decision: 'approve' })],
  ['reject', 'approval.decide', (approvalId) => ({ approvalId, decision: 'reject', comment: 'This needs another round of edits.' })],
  ['signed approve', 'approval.decide', (approvalId) => ({ approvalId, decision: 'approve', meaning: 'approved', credential: { type: 'pin', value: '123456' } })],
  ['cancel', 'approval.cancel', (approvalId) => ({ approvalId })],
  ['decision preview', 'approval.decisionPreview', (approvalId) => ({ approvalId })],
  ['evidence export', 'evidence.export', (approvalId) => ({ scope: { approvalId } })],
];

const PAGES = { pending: '3002', decided: '3001', restricted: '2012' } as const;
let app: ResolverApp;
/** approval ids by what they are: pending in DOCS, decided in DOCS, pending on the restricted ENG page */
const ids: Record<'pending' | 'decided' | 'restricted', string> = { pending: '', decided: '', restricted: '' };

async function submitted(accountId: string, pageId: string, workflowId?: string): Promise<string> {
  const reply = await app.invoke(accountId, 'page.submit', { pageId, ...(workflowId ? { workflowId } : {}) });
  expect(reply).toMatchObject({ success: true });
  return reply.approval.id as string;
}

beforeAll(async () => {
  app = await createResolverApp();
  ids.decided = await submitted('acc-bob', PAGES.decided, 'wf-docs-quick');
  expect(await app.invoke('acc-carol', 'approval.decide', { approvalId: ids.decided, decision: 'approve' })).toMatchObject({ success: true });
  ids.pending = await submitted('acc-bob', PAGES.pending, 'wf-docs-quick');
  ids.restricted = await submitted('acc-bob', PAGES.restricted);
});

describe.each(OPERATIONS)('%s (%s)', (_name, functionKey, payload) => {
  it.each(['pending', 'decided', 'restricted'] as const)('on a %s approval of a page Erin cannot view answers as a missing one, and writes nothing but the denial', async (which) => {
    app.clock.now += 60_000; // a fresh minute: each refusal gets its own access.denied record (denials.ts)
    const missing = await app.invoke('acc-erin', functionKey, payload(MISSING));
    expect(missing).toMatchObject({ success: false, code: 'APPROVAL_NOT_FOUND' });
    const history = () => app.engine.approvals.history({ accountId: 'acc-bob', source: 'ui' }, PAGES[which]);
    const before = await history();
    const reply: Reply = await app.invoke('acc-erin', functionKey, payload(ids[which]));
    expect(reply).toEqual(missing);
    expect(await history()).toEqual(before);
    const denied = await app.invoke('acc-alice', 'audit.list', { action: 'access.denied', actor: 'acc-erin' });
    expect(denied.records.some((r: { approvalId?: string }) => r.approvalId === ids[which])).toBe(true);
  });
});
