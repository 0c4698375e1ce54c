/**
 * The Analytics tab's resolvers (issue 11 item 7) against the real engine, store and local site, as
 * Forge calls them: cards, dated trend, workflow comparison, filters, exports with readable names,
 * and never more than the caller may see.
 */
import { perInvocationEngines } from '../support/caller-bound-engine';
import { resolverCall, type Reply } from '../security/resolver-app';
import { seedWorkflows } from '../../src/core/services';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { RandomIds } from '../../src/adapters/system/random-ids';
import { localSeedWorkflows } from '../../local/app';
import { profileFromEnv } from '../../local/profile';
import { createLocalSite, type LocalSite } from '../../local/site';
import { createResolverHandler } from '../../src/transport/resolvers';

const DOCS = '1002';
const FRANK = 'acc-frank'; // DOCS space admin
const BOB = 'acc-bob'; // author, may not read the audit trail
const FORMULA_TITLE = '=HYPERLINK("http://evil.example","<b>click</b>")';
const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const dayOffset = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

let site: LocalSite;
let handler: ReturnType<typeof createResolverHandler>;

beforeEach(async () => {
  const store = new MemoryStore();
  site = createLocalSite({ profile: profileFromEnv() });
  const deps = { store, confluence: new RestConfluenceSite(site.transport()), clock: new SystemClock(), ids: new RandomIds() };
  await seedWorkflows(deps, localSeedWorkflows(Date.now()));
  handler = createResolverHandler(perInvocationEngines(deps, site, profileFromEnv(), 'resolver'), { appId: 'app-uuid', store });
});

async function invoke(accountId: string, functionKey: string, payload: object = {}, where: { pageId?: string; spaceId?: string } = { spaceId: DOCS }): Promise<Reply> {
  return (await handler(...resolverCall(accountId, functionKey, payload, where))) as Reply;
}

async function ok(accountId: string, functionKey: string, payload: object, where?: { pageId?: string; spaceId?: string }): Promise<Reply> {
  const r = await invoke(accountId, functionKey, payload, where);
  expect(r).toMatchObject({ success: true });
  return r;
}

/** 3001 approved, 3003 (a formula title) changes requested, 3004 cancelled (quick review); 3002 pending (legal). */
async function activity(): Promise<void> {
  await site.editPage('3003', { accountId: BOB, title: FORMULA_TITLE });
  const submit = async (pageId: string, workflowId: string) => (await ok(BOB, 'page.submit', { workflowId }, { pageId })).approval.id as string;
  const approved = await submit('3001', 'wf-docs-quick');
  await ok('acc-carol', 'approval.decide', { approvalId: approved, decision: 'approve' });
  const rejected = await submit('3003', 'wf-docs-quick');
  await ok('acc-carol', 'approval.decide', { approvalId: rejected, decision: 'reject', comment: 'Please add the missing answers first.' });
  await submit('3002', 'wf-docs-legal');
  await ok(BOB, 'approval.cancel', { approvalId: await submit('3004', 'wf-docs-quick') });
}

describe('analytics.summary', () => {
  it('shows the cards, a dated 30-day trend and the workflow comparison to a space admin', async () => {
    await activity();
    const a = await ok(FRANK, 'analytics.summary', {});
    expect(a).toMatchObject({ spaceId: DOCS, from: dayOffset(-29), to: today(), auditAvailable: true, truncated: false, reviewCountsComplete: true });
    expect(a.cards).toEqual({ total: 4, inApproval: 1, approved: 1, changesRequested: 1, cancelled: 1, due: 0, expired: 0 });
    expect(a.perDay).toHaveLength(30);
    expect(a.perDay.at(-1)).toEqual({ day: today(), submitted: 4, approved: 1, rejected: 1, cancelled: 1 });
    expect(a.byWorkflow.map((w: { name: string; submitted: number }) => [w.name, w.submitted])).toEqual([['Docs legal review', 1], ['Docs quick review', 3]]);
    expect(a.byWorkflow[1]).toMatchObject({ workflowId: 'wf-docs-quick', approved: 1, rejected: 1, cancelled: 1 });
    expect(a.byWorkflow[1].medianHoursToDecision).toEqual(expect.any(Number));
    expect(a.byWorkflow[0].medianHoursToDecision).toBeNull();
    expect(a.workflows).toEqual([{ id: 'wf-docs-legal', name: 'Docs legal review' }, { id: 'wf-docs-quick', name: 'Docs quick review' }]);
  });

  it('filters by workflow and by date range', async () => {
    await activity();
    const legal = await ok(FRANK, 'analytics.summary', { workflowId: 'wf-docs-legal' });
    expect(legal).toMatchObject({ workflowId: 'wf-docs-legal' });
    expect(legal.cards).toEqual({ total: 1, inApproval: 1, approved: 0, changesRequested: 0, cancelled: 0, due: 0, expired: 0 });
    expect(legal.byWorkflow.map((w: { workflowId: string }) => w.workflowId)).toEqual(['wf-docs-legal']);

    const past = await ok(FRANK, 'analytics.summary', { from: dayOffset(-10), to: dayOffset(-1) });
    expect(past).toMatchObject({ from: dayOffset(-10), to: dayOffset(-1) });
    expect(past.perDay.map((d: { day: string }) => d.day)).toEqual(Array.from({ length: 10 }, (_, i) => dayOffset(i - 10)));
    expect(past.cards).toMatchObject({ total: 0, approved: 0, changesRequested: 0, cancelled: 0, inApproval: 1 });
  });

  it('shows someone without the audit trail only what they can read: outcomes are null, never 0', async () => {
    await activity();
    const bob = await ok(BOB, 'analytics.summary', {});
    expect(bob).toMatchObject({ auditAvailable: false, perDay: [], byWorkflow: [], medianHoursToDecision: null });
    expect(bob.cards).toEqual({ total: null, inApproval: 1, approved: null, changesRequested: null, cancelled: null, due: 0, expired: 0 });
  });

  it('refuses bad filters with INVALID_REQUEST and field details, changing nothing', async () => {
    const refused = async (payload: object, field: string) => {
      const r = await invoke(FRANK, 'analytics.summary', payload);
      expect(r).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
      expect(r.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    };
    await refused({ from: '2026-02-30' }, 'from');
    await refused({ to: '12/01/2026' }, 'to');
    await refused({ from: '2026-03-02', to: '2026-03-01' }, 'to');
    await refused({ from: '2025-01-01', to: '2026-03-01' }, 'to');
    await refused({ workflowId: '' }, 'workflowId');
    await refused({ accountId: FRANK }, 'accountId');
    expect(await ok(FRANK, 'analytics.summary', { from: '2025-03-02', to: '2026-03-02' })).toMatchObject({ from: '2025-03-02', to: '2026-03-02' });
  });
});

describe('analytics.export', () => {
  it('CSV: one row per approval with page titles, workflow and people names, ISO dates, formulas neutralised', async () => {
    await activity();
    const r = await ok(FRANK, 'analytics.export', { format: 'csv' });
    const lines = (r.content as string).split('\r\n');
    expect(lines[0]).toBe('Page,Page id,Workflow,Submitted by,Submitted at,Outcome,Decided by,Decided at,Hours to decision');
    expect(lines).toHaveLength(6); // header, 4 approvals, final CRLF
    expect(lines[1]).toMatch(/^User manual,3001,Docs quick review,Bob Author,\d{4}-\d\d-\d\dT[\d:.]+Z,Approved,Carol Reviewer,\d{4}-\d\d-\d\dT[\d:.]+Z,[\d.]+$/);
    const rejected = lines.find((l) => l.includes(',3003,'))!;
    expect(rejected.startsWith(`"'=HYPERLINK(""http://evil.example"",""<b>click</b>"")",3003,Docs quick review,Bob Author,`)).toBe(true);
    expect(rejected).toContain(',Changes requested,Carol Reviewer,');
    expect(lines.find((l) => l.includes(',3002,'))).toMatch(/,Docs legal review,Bob Author,[^,]+,No decision in range,,,$/);
    expect(lines.find((l) => l.includes(',3004,'))).toContain(',Cancelled,Bob Author,');
  });

  it('HTML: the cards, comparison, trend and approvals with every text escaped; filters apply', async () => {
    await activity();
    const html = (await ok(FRANK, 'analytics.export', { format: 'html', workflowId: 'wf-docs-quick' })).content as string;
    expect(html).toContain('<title>ApprovalFlow analytics, Documentation</title>');
    expect(html).toContain(`${dayOffset(-29)} to ${today()}, workflow Docs quick review`);
    expect(html).toContain('<tr><td>Changes requested</td><td>1</td></tr>');
    expect(html).toContain('&#60;b&#62;click&#60;/b&#62;');
    expect(html).not.toContain('<b>click</b>');
    expect(html).not.toContain('Docs legal review');
    expect(html).toContain('<td>Bob Author</td>');
  });

  it('is refused to someone who may not read the space audit trail', async () => {
    await activity();
    expect(await invoke(BOB, 'analytics.export', { format: 'csv' })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect(await invoke(FRANK, 'analytics.export', { format: 'pdf' })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });
});
