/**
 * GET /events over the real engine (SPEC 3a, §3): the done-when of issue 22 (a submit and an approval
 * show as approval.submitted then approval.approved, the cursor continues, a user who cannot view the
 * space sees none of them), the input rules, and a no-500 fuzz over the route's query.
 */
import fc from 'fast-check';
import { EVENT_TYPES } from '../../src/core/events/catalog';
import { call } from './helpers';
import { assertMatchesOpenApi } from './openapi-validator';
import { createRealApi } from './real-app';

type App = Awaited<ReturnType<typeof createRealApi>>;

async function submitAndApprove(app: App, pageId: string, workflowId?: string): Promise<string> {
  const submitted = await call(app.handlers, 'page-submit', { accountId: 'acc-bob', body: { pageId, ...(workflowId ? { workflowId } : {}) } });
  expect(submitted.status).toBe(201);
  await app.engine.approvals.decide({ accountId: 'acc-carol', source: 'ui' }, submitted.json.approvalId, 'approve');
  // the feed lists what the store's index lists: under an eventual-index profile, let it catch up (no-op otherwise)
  app.settleIndexes();
  return submitted.json.approvalId as string;
}

describe('GET /events', () => {
  it('returns approval.submitted then approval.approved for the page, with a cursor that continues; erin sees none of a DOCS page', async () => {
    const app = await createRealApi();
    const approvalId = await submitAndApprove(app, '3001', 'wf-docs-quick');
    const first = await call(app.handlers, 'events-list', { accountId: 'acc-bob', query: { spaceId: '1002' } });
    expect(first.status).toBe(200);
    assertMatchesOpenApi('events-list', first);
    expect(first.json.events.map((e: { type: string; pageId: string; approvalId: string }) => [e.type, e.pageId, e.approvalId])).toEqual([
      ['approval.submitted', '3001', approvalId],
      ['approval.approved', '3001', approvalId],
    ]);
    expect(first.json.events[0]).toMatchObject({ source: 'api', actor: 'acc-bob', spaceId: '1002' });

    await submitAndApprove(app, '3002', 'wf-docs-quick');
    const next = await call(app.handlers, 'events-list', { accountId: 'acc-bob', query: { spaceId: '1002', cursor: first.json.nextCursor } });
    expect(next.json.events.map((e: { type: string; pageId: string }) => `${e.pageId}:${e.type}`)).toEqual(['3002:approval.submitted', '3002:approval.approved']);

    // erin views ENG only: the unfiltered feed shows her nothing of DOCS, the DOCS filter answers like a missing space
    const erin = await call(app.handlers, 'events-list', { accountId: 'acc-erin' });
    expect(erin.status).toBe(200);
    expect(erin.json.events).toEqual([]);
    const hidden = await call(app.handlers, 'events-list', { accountId: 'acc-erin', query: { spaceId: '1002' } });
    const missing = await call(app.handlers, 'events-list', { accountId: 'acc-erin', query: { spaceId: '987654' } });
    expect([hidden.status, hidden.json]).toEqual([missing.status, missing.json]);
    expect(hidden.json.code).toBe('SPACE_NOT_FOUND');
  });

  it('an installation-wide delegation (no space scope) never breaks the feed: its delegator and delegate see it, nobody else (audit B1)', async () => {
    const app = await createRealApi();
    const now = Date.now();
    const unscoped = { delegateAccountId: 'acc-dave', startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3 * 86_400_000).toISOString(), mode: 'add' as const };
    await app.engine.delegations.create({ accountId: 'acc-erin', source: 'ui' }, unscoped);
    await submitAndApprove(app, '3001', 'wf-docs-quick');
    const typesAndSpaces = async (accountId: string) => {
      const res = await call(app.handlers, 'events-list', { accountId, query: { limit: '100' } });
      expect(res.status).toBe(200);
      assertMatchesOpenApi('events-list', res);
      return res.json.events.map((e: { type: string; spaceId: string }) => `${e.spaceId}:${e.type}`);
    };
    // erin cannot view DOCS: she sees her delegation and nothing else
    expect(await typesAndSpaces('acc-erin')).toEqual(['global:delegation.started']);
    expect(await typesAndSpaces('acc-dave')).toEqual(['global:delegation.started', '1002:approval.submitted', '1002:approval.approved']);
    expect(await typesAndSpaces('acc-bob')).toEqual(['1002:approval.submitted', '1002:approval.approved']);
  });

  it('an atomic change set publishes its roll-up value on submit and decision, and each page of its manifest its page events, also paged one by one (audit B3)', async () => {
    const app = await createRealApi();
    const pages = ['2001', '2002'];
    const created = await call(app.handlers, 'changeset-create', { accountId: 'acc-bob', body: { spaceId: '1001', title: 'Release 12', pageRefs: pages.map((pageId) => ({ pageId })), approvalMode: 'atomic' } });
    expect(created.status).toBe(201);
    const changeSetId = created.json.changeSet.id as string;
    const submitted = await call(app.handlers, 'changeset-submit', { accountId: 'acc-bob', body: { changeSetId } });
    expect(submitted.status).toBe(200);
    const setApprovalId = submitted.json.setApprovalId as string;
    await app.engine.changeSets.decide({ accountId: 'acc-carol', source: 'ui' }, { setApprovalId, decision: 'approve', pageAck: pages });
    app.settleIndexes();
    const expected = [
      ...pages.map((p) => `${p}:approval.submitted:${setApprovalId}`),
      '-:changeset.rollup_changed:in_review',
      ...pages.map((p) => `${p}:approval.approved:${setApprovalId}`),
      '-:changeset.rollup_changed:all_approved',
    ];
    type Ev = { type: string; pageId?: string; approvalId?: string; changeSetId?: string; data: { rollupState?: string } };
    const line = (e: Ev) => `${e.pageId ?? '-'}:${e.type}:${e.type === 'changeset.rollup_changed' ? e.data.rollupState : e.approvalId}`;
    const all = await call(app.handlers, 'events-list', { accountId: 'acc-alice', query: { limit: '100' } });
    expect(all.status).toBe(200);
    assertMatchesOpenApi('events-list', all);
    expect(all.json.events.map(line)).toEqual(expected);
    expect(all.json.events.every((e: Ev) => e.changeSetId === changeSetId)).toBe(true);
    expect(new Set(all.json.events.map((e: { id: string }) => e.id)).size).toBe(expected.length);
    // a record's several events are handed out one page at a time without repeating or skipping one
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 20; round++) {
      const page = await call(app.handlers, 'events-list', { accountId: 'acc-alice', query: { limit: '1', ...(cursor ? { cursor } : {}) } });
      expect(page.status).toBe(200);
      seen.push(...page.json.events.map(line));
      cursor = page.json.nextCursor;
      if (page.json.events.length === 0) break;
    }
    expect(seen).toEqual(expected);
  });

  it('binds the cursor to the caller and the query; refuses bad types, limits and cursors with 400', async () => {
    const app = await createRealApi();
    await submitAndApprove(app, '2001');
    const alice = await call(app.handlers, 'events-list', { accountId: 'acc-alice', query: { types: 'approval.approved' } });
    expect(alice.json.events.map((e: { type: string }) => e.type)).toEqual(['approval.approved']);
    const stolen = await call(app.handlers, 'events-list', { accountId: 'acc-bob', query: { types: 'approval.approved', cursor: alice.json.nextCursor } });
    expect([stolen.status, stolen.json.code]).toEqual([400, 'INVALID_CURSOR']);
    const otherQuery = await call(app.handlers, 'events-list', { accountId: 'acc-alice', query: { cursor: alice.json.nextCursor } });
    expect([otherQuery.status, otherQuery.json.code]).toEqual([400, 'INVALID_CURSOR']);
    const bad: Record<string, string>[] = [{ types: 'approval.nope' }, { types: 'approval.approved,approval.approved' }, { types: '' }, { limit: '0' }, { limit: '101' }, { spaceId: 'ENG' }, { since: '1' }];
    for (const query of bad) {
      const res = await call(app.handlers, 'events-list', { accountId: 'acc-alice', query });
      expect([res.status, res.json.code]).toEqual([400, 'INVALID_REQUEST']);
    }
  });

  it('never answers 500 to any query, and an error changes nothing', async () => {
    const app = await createRealApi();
    await submitAndApprove(app, '2001');
    const typeList = fc.array(fc.constantFrom(...EVENT_TYPES, 'x', ''), { maxLength: 4 }).map((t) => t.join(','));
    const query = fc.record(
      {
        cursor: fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 80 })),
        types: fc.oneof(typeList, fc.string({ maxLength: 30 })),
        spaceId: fc.oneof(fc.constantFrom('1001', '1002', '0', '9223372036854775807', '99999999999999999999'), fc.string({ maxLength: 20 })),
        limit: fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 5 })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('acc-alice', 'acc-bob', 'acc-erin', 'acc-nobody'), async (q, accountId) => {
        const before = await app.store.stateSnapshot();
        const res = await call(app.handlers, 'events-list', { accountId, query: q });
        expect(res.status).toBeLessThan(500);
        assertMatchesOpenApi('events-list', res);
        if (res.status >= 400) expect(await app.store.stateSnapshot()).toEqual(before);
      }),
      { numRuns: 200, seed: Number(process.env.FUZZ_SEED ?? 20260122) },
    );
  });
});
