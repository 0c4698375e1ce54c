/**
 * The event feed (SPEC 3a) over the real engine: events derived from the audit records of each change,
 * in chain order, with a cursor that continues where it stopped, only for spaces the caller can view,
 * kept 14 days (410 CURSOR_EXPIRED past that), and never an event without its change.
 */
import { DAY_MS } from '../../src/core/shared/time';
import type { EventEnvelope } from '../../src/core/events/catalog';
import { ALICE, BOB, CAROL, DAVE, DOCS, ENG, ERIN, refusal, setup, ui, api, type TestEnv } from './helpers';

const pageEvents = (events: EventEnvelope[], pageId: string) => events.filter((e) => e.pageId === pageId).map((e) => e.type);

async function submitAndApprove(env: TestEnv, pageId: string, workflowId?: string) {
  const approval = await env.engine.approvals.submitPage(api(BOB), pageId, workflowId);
  await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
  return approval;
}

describe('event feed', () => {
  it('returns approval.submitted then approval.approved for a submit and an approval, and the cursor continues where it stopped', async () => {
    const env = await setup();
    const approval = await submitAndApprove(env, '2001');
    const first = await env.engine.events.list(ui(ALICE), { limit: 50 });
    expect(first.events.map((e) => e.type)).toEqual(['approval.submitted', 'approval.approved']);
    const [submitted, approved] = first.events;
    expect(submitted).toMatchObject({ spaceId: ENG, pageId: '2001', pageVersion: approval.pageVersion, approvalId: approval.id, workflowId: 'wf-eng-review', actor: BOB, source: 'api', clientId: 'client-ci' });
    expect(approved).toMatchObject({ actor: CAROL, source: 'ui', approvalId: approval.id, data: { status: 'approved', step: 1 } });
    expect(approved.clientId).toBeUndefined();
    expect(new Set(first.events.map((e) => e.id)).size).toBe(2);

    // nothing new: the same cursor answers an empty page and a cursor that still continues
    const idle = await env.engine.events.list(ui(ALICE), { limit: 50, cursor: first.nextCursor });
    expect(idle.events).toEqual([]);
    env.tick();
    await env.engine.approvals.submitPage(ui(BOB), '2002');
    const next = await env.engine.events.list(ui(ALICE), { limit: 50, cursor: idle.nextCursor });
    expect(next.events.map((e) => [e.type, e.pageId])).toEqual([['approval.submitted', '2002']]);
  });

  it('pages by limit without repeating or skipping an event', async () => {
    const env = await setup();
    for (const pageId of ['2001', '2002', '2003']) await submitAndApprove(env, pageId);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 10; round++) {
      const page = await env.engine.events.list(ui(ALICE), { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((e) => `${e.pageId}:${e.type}`));
      cursor = page.nextCursor;
      if (page.events.length === 0) break;
    }
    expect(seen).toEqual(['2001', '2002', '2003'].flatMap((p) => [`${p}:approval.submitted`, `${p}:approval.approved`]));
  });

  it('publishes the approval as a whole, not each approving decision, and step completions of multi-step workflows', async () => {
    const env = await setup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-legal');
    await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
    await env.engine.approvals.decide(ui(ALICE), approval.id, 'approve');
    expect(pageEvents((await env.engine.events.list(ui(ALICE), { limit: 50 })).events, '3001')).toEqual(['approval.submitted', 'approval.step_completed']);
    await env.engine.approvals.decide(ui(DAVE), approval.id, 'approve');
    const all = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    expect(pageEvents(all, '3001')).toEqual(['approval.submitted', 'approval.step_completed', 'approval.approved']);
    expect(all.find((e) => e.type === 'approval.step_completed')?.data).toEqual({ step: 1, nextStep: 2 });
  });

  it('carries rejections and cancellations, and never a comment (metadata only)', async () => {
    const env = await setup();
    const rejected = await env.engine.approvals.submitPage(ui(BOB), '2001');
    await env.engine.approvals.decide(ui(CAROL), rejected.id, 'reject', 'This needs a security review first, please.');
    const cancelled = await env.engine.approvals.submitPage(ui(BOB), '2002');
    await env.engine.approvals.cancel(ui(BOB), cancelled.id);
    const events = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    expect(events.map((e) => [e.pageId, e.type])).toEqual([
      ['2001', 'approval.submitted'],
      ['2001', 'approval.rejected'],
      ['2002', 'approval.submitted'],
      ['2002', 'approval.cancelled'],
    ]);
    expect(JSON.stringify(events)).not.toContain('security review');
  });

  it('shows a caller only the spaces they can view; naming an invisible space answers like a missing one', async () => {
    const env = await setup();
    await submitAndApprove(env, '3001', 'wf-docs-quick');
    await submitAndApprove(env, '2001');
    const erin = await env.engine.events.list(ui(ERIN), { limit: 50 });
    expect(erin.events.map((e) => e.spaceId)).toEqual([ENG, ENG]);
    const hidden = await refusal(env.engine.events.list(ui(ERIN), { limit: 50, spaceId: DOCS }));
    const missing = await refusal(env.engine.events.list(ui(ERIN), { limit: 50, spaceId: '999999' }));
    expect(hidden).toEqual(missing);
    expect(hidden).toMatchObject({ status: 404, code: 'SPACE_NOT_FOUND' });
    // a space filter and a type filter narrow the feed
    const docs = await env.engine.events.list(ui(ALICE), { limit: 50, spaceId: DOCS, types: ['approval.approved'] });
    expect(docs.events.map((e) => [e.spaceId, e.type])).toEqual([[DOCS, 'approval.approved']]);
  });

  it('refuses a cursor handed out more than 14 days ago with CURSOR_EXPIRED, and hands out no event older than 14 days though its record stays', async () => {
    const env = await setup();
    await submitAndApprove(env, '2001');
    const page = await env.engine.events.list(ui(ALICE), { limit: 50 });
    env.tick(13 * DAY_MS);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50, cursor: page.nextCursor })).events).toEqual([]);
    env.tick(2 * DAY_MS);
    expect(await refusal(env.engine.events.list(ui(ALICE), { limit: 50, cursor: page.nextCursor }))).toMatchObject({ status: 410, code: 'CURSOR_EXPIRED' });

    // the records (and the events in them) are kept with the audit trail, but the feed's window is 14 days:
    // a reader starting afresh, or one whose position lies before the window, gets none of them
    expect((await env.auditRecords()).filter((r) => r.action.startsWith('approval.'))).toHaveLength(2);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events).toEqual([]);
    const behind = JSON.stringify({ p: 0, t: env.deps.clock.now() });
    expect((await env.engine.events.list(ui(ALICE), { limit: 50, cursor: behind })).events).toEqual([]);
    // a later event is handed out to both
    await env.engine.approvals.submitPage(ui(BOB), '2002');
    expect((await env.engine.events.list(ui(ALICE), { limit: 50, cursor: behind })).events.map((e) => [e.type, e.pageId])).toEqual([['approval.submitted', '2002']]);
    expect((await env.engine.events.list(ui(ALICE), { limit: 50 })).events.map((e) => [e.type, e.pageId])).toEqual([['approval.submitted', '2002']]);
    expect(await refusal(env.engine.events.list(ui(ALICE), { limit: 50, cursor: 'not-json' }))).toMatchObject({ code: 'INVALID_CURSOR' });
    // the boundary is the feed window's start (one rule): handed out exactly 14 days ago still reads, a millisecond more has expired
    const handedOut = (t: number) => JSON.stringify({ p: 0, t });
    const now = env.deps.clock.now();
    await expect(env.engine.events.list(ui(ALICE), { limit: 50, cursor: handedOut(now - 14 * DAY_MS) })).resolves.toBeDefined();
    expect(await refusal(env.engine.events.list(ui(ALICE), { limit: 50, cursor: handedOut(now - 14 * DAY_MS - 1) }))).toMatchObject({ code: 'CURSOR_EXPIRED' });
  });

  it('writes no event when the change fails (no event without its change)', async () => {
    const env = await setup();
    const approval = await env.engine.approvals.submitPage(ui(BOB), '2001');
    // erin is no approver: refused, nothing published
    await refusal(env.engine.approvals.decide(ui(ERIN), approval.id, 'approve'));
    const events = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    expect(events.map((e) => e.type)).toEqual(['approval.submitted']);
  });
});

describe('event feed: staleness, atomic change sets and delegations', () => {
  it('publishes approval.stale when an approved page changes and approval.fresh_again when it is restored', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { stalenessPolicy: 'content_change' });
    const approval = await submitAndApprove(env, '2001');
    env.tick();
    await env.site.editPage('2001', { accountId: BOB, body: '<p>A rewrite.</p>' });
    await env.engine.content.pageUpdated('2001');
    await env.engine.content.restore(ui(BOB), '2001');
    const events = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    expect(pageEvents(events, '2001')).toEqual(['approval.submitted', 'approval.approved', 'approval.stale', 'approval.fresh_again']);
    expect(events.find((e) => e.type === 'approval.stale')).toMatchObject({ approvalId: approval.id, spaceId: ENG });
  });

  it('publishes changeset.rollup_changed with the roll-up value when an atomic set is submitted and approved', async () => {
    const env = await setup();
    const pages = ['2001', '2002'];
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: pages.map((pageId) => ({ pageId })), approvalMode: 'atomic' });
    const submitted = await env.engine.changeSets.submit(api(BOB), cs.id);
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId: submitted.setApprovalId!, decision: 'approve', pageAck: pages });
    const rollups = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events.filter((e) => e.type === 'changeset.rollup_changed');
    expect(rollups).toHaveLength(2);
    expect(rollups[0]).toMatchObject({ changeSetId: cs.id, spaceId: ENG, actor: BOB, data: { rollupState: 'in_review' } });
    expect(rollups[1]).toMatchObject({ changeSetId: cs.id, spaceId: ENG, actor: CAROL, data: { rollupState: 'all_approved' } });
  });

  it('publishes the roll-up changes of a per-page change set: open → in_review → partially_approved → stale, each once (audit B3)', async () => {
    const env = await setup();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'Release 13', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    const submitted = await env.engine.changeSets.submit(api(BOB), cs.id);
    const approvalId = submitted.results.find((r) => r.pageId === '2001')?.approvalId;
    await env.engine.approvals.decide(ui(CAROL), approvalId!, 'approve');
    env.tick();
    await env.site.editPage('2001', { accountId: BOB, body: '<p>A rewrite.</p>' });
    await env.engine.content.pageUpdated('2001');
    // a change that keeps the roll-up publishes nothing more
    await env.engine.content.pageUpdated('2001');
    const rollups = (await env.engine.events.list(ui(ALICE), { limit: 100, types: ['changeset.rollup_changed'] })).events;
    expect(rollups.map((e) => [e.changeSetId, e.data.previousRollupState, e.data.rollupState])).toEqual([
      [cs.id, 'open', 'in_review'],
      [cs.id, 'in_review', 'partially_approved'],
      [cs.id, 'partially_approved', 'stale'],
    ]);
    expect(rollups[0]).toMatchObject({ spaceId: ENG });
  });

  it('publishes delegation.started for a delegation that starts now and delegation.ended when it is revoked', async () => {
    const env = await setup();
    const now = env.deps.clock.now();
    const delegation = await env.engine.delegations.create(ui(CAROL), { delegateAccountId: ERIN, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 5 * DAY_MS).toISOString(), mode: 'add', scope: { spaceIds: [ENG] } });
    // one starting next week is announced by no record yet
    await env.engine.delegations.create(ui(DAVE), { delegateAccountId: ERIN, startsAt: new Date(now + 7 * DAY_MS).toISOString(), endsAt: new Date(now + 9 * DAY_MS).toISOString(), mode: 'add', scope: { spaceIds: [ENG] } });
    env.tick();
    await env.engine.delegations.revoke(ui(CAROL), delegation.id);
    const events = (await env.engine.events.list(ui(ALICE), { limit: 50 })).events;
    expect(events.map((e) => [e.type, e.actor])).toEqual([['delegation.started', CAROL], ['delegation.ended', CAROL]]);
  });
});

describe('event outbox under 50 concurrent clients', () => {
  it('a follower polling throughout sees every submission and approval exactly once, in the order of the final feed', async () => {
    const env = await setup({ extraPages: 50 });
    const pageIds = Array.from({ length: 50 }, (_, i) => String(4001 + i));
    const seen: EventEnvelope[] = [];
    let cursor: string | undefined;
    const poll = async () => {
      const page = await env.engine.events.list(ui(ALICE), { limit: 100, ...(cursor ? { cursor } : {}) });
      seen.push(...page.events);
      cursor = page.nextCursor;
      return page.events.length;
    };
    let writing = true;
    // a real follower waits between polls; without the pause its microtask loop starves the writers
    const follower = (async () => {
      while (writing) {
        await poll();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    const approvals = await Promise.all(pageIds.map((pageId, i) => env.engine.approvals.submitPage(i % 2 ? api(BOB, `client-${i}`) : ui(BOB), pageId)));
    await Promise.all(approvals.map((a) => env.engine.approvals.decide(ui(CAROL), a.id, 'approve')));
    writing = false;
    await follower;
    while ((await poll()) > 0);

    const keyOf = (e: EventEnvelope) => `${e.approvalId}:${e.type}`;
    const expected = approvals.flatMap((a) => [`${a.id}:approval.submitted`, `${a.id}:approval.approved`]);
    expect(seen.map(keyOf).sort()).toEqual(expected.sort());
    expect(new Set(seen.map((e) => e.id)).size).toBe(100);
    // a fresh reader gets the same feed in the same order
    const fresh: EventEnvelope[] = [];
    let freshCursor: string | undefined;
    for (;;) {
      const page = await env.engine.events.list(ui(ALICE), { limit: 100, ...(freshCursor ? { cursor: freshCursor } : {}) });
      if (page.events.length === 0) break;
      fresh.push(...page.events);
      freshCursor = page.nextCursor;
    }
    expect(fresh.map((e) => e.id)).toEqual(seen.map((e) => e.id));
    for (const a of approvals) expect(seen.findIndex((e) => keyOf(e) === `${a.id}:approval.submitted`)).toBeLessThan(seen.findIndex((e) => keyOf(e) === `${a.id}:approval.approved`));
  }, 60_000);
});
