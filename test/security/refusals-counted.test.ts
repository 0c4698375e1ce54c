/**
 * Issue 25, security findings 1, 2, 3 and 7: refusals that answer an empty list are audited and
 * counted, a flood's unrecorded count is written even when the prober stops, the review queue
 * neither counts another space's pages nor shows rows of pages the caller cannot read, and a
 * non-admin's analytics view is not a refusal.
 */
import { DomainError } from '../../src/core/domain/errors';
import { DENIALS_RECORDED_PER_MINUTE } from '../../src/core/services/denials';
import { reviewQueue } from '../../src/core/lifecycle/review-queue';
import { seedWorkflows } from '../../src/core/services';
import { AuditTrail } from '../../src/core/audit';
import { RandomIds } from '../../src/adapters/system/random-ids';
import type { RateLimits } from '../../src/transport/shared/rate-limit';
import { call } from '../api/helpers';
import { createRealApi } from '../api/real-app';
import { BOB, CAROL, DOCS, ENG, ERIN, ui } from '../engine/helpers';
import { RECERT, lifecycleSetup, whileReader } from '../lifecycle/support';
import { createResolverApp, GENEROUS } from './resolver-app';

const THREE_DENIED: RateLimits = { ...GENEROUS, deniedPerUser: { max: 3, windowSeconds: 60 } };

async function dueInBothSpaces() {
  const env = await lifecycleSetup();
  await seedWorkflows(env.deps, [{ ...RECERT, id: 'wf-docs-recert', spaceId: DOCS }]);
  const approve = async (pageId: string, workflowId: string) => {
    const a = await env.engine.approvals.submitPage(ui(BOB), pageId, workflowId);
    await whileReader(env, pageId, CAROL, () => env.engine.approvals.decide(ui(CAROL), a.id, 'approve'));
  };
  for (const pageId of ['2012', '2001']) await approve(pageId, 'wf-recert');
  for (const pageId of ['3001', '3002']) await approve(pageId, 'wf-docs-recert');
  env.advanceDays(80);
  return env;
}

describe('queue.review (finding 1)', () => {
  test('an outsider asking for the queue of a space they cannot view gets an empty list, no cursor, and the refusal is audited', async () => {
    const env = await dueInBothSpaces();
    // both turned due at the same moment: ties are in approval-id order, and the ids are random here
    expect((await reviewQueue.execute(env.ctx, ui(BOB), DOCS, {})).items.map((i) => i.pageId).sort()).toEqual(['3001', '3002']);
    const before = (await env.auditRecords()).length;
    // Erin can view ENG only: one cursor at a time she used to count DOCS's due pages
    expect(await reviewQueue.execute(env.ctx, ui(ERIN), DOCS, { limit: 1 })).toEqual({ items: [] });
    const added = (await env.auditRecords()).slice(before);
    expect(added.map((r) => [r.action, r.actor, r.spaceId, r.details.operation, r.details.code])).toEqual([['access.denied', ERIN, DOCS, 'queue.review', 'SPACE_NOT_FOUND']]);
  });

  test('a due page the caller cannot read is no row: no page of the queue comes back empty with a cursor', async () => {
    const env = await dueInBothSpaces();
    // 2012 (restricted to alice and bob) is due first, then 2001
    const first = await reviewQueue.execute(env.ctx, ui(ERIN), ENG, { limit: 1 });
    expect(first.items.map((i) => i.pageId)).toEqual(['2001']);
    const rest = first.nextCursor ? await reviewQueue.execute(env.ctx, ui(ERIN), ENG, { limit: 1, cursor: first.nextCursor }) : { items: [] };
    expect(rest.items).toEqual([]);
    expect(rest).not.toHaveProperty('nextCursor');
  });
});

describe('refusals answered with an empty list count toward the denied-call limit (finding 2)', () => {
  test('resolvers: listing change sets or the review queue of a space the caller cannot view is throttled after the limit', async () => {
    const app = await createResolverApp({ rateLimits: THREE_DENIED });
    for (let i = 0; i < 2; i++) expect(await app.invoke(ERIN, 'changeSet.list', { spaceId: DOCS })).toMatchObject({ success: true, changeSets: [] });
    expect(await app.invoke(ERIN, 'queue.review', { spaceId: DOCS })).toMatchObject({ success: true, items: [] });
    expect(await app.invoke(ERIN, 'changeSet.list', { spaceId: ENG })).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    // a caller who may view the space is not refused, so not counted
    for (let i = 0; i < 5; i++) expect(await app.invoke(BOB, 'changeSet.list', { spaceId: DOCS })).toMatchObject({ success: true });
  });

  test('REST: GET /changeSets of an unviewable space is 200 with an empty list, then 429 once the limit is reached', async () => {
    const app = await createRealApi({ rateLimits: THREE_DENIED });
    const list = () => call(app.handlers, 'changesets-list', { query: { spaceId: DOCS }, accountId: ERIN });
    for (let i = 0; i < 3; i++) {
      const res = await list();
      expect([res.status, res.json.changeSets]).toEqual([200, []]);
    }
    expect((await list()).status).toBe(429);
  });
});

describe('a flood that stops is still recorded in full (finding 3)', () => {
  test('the daily run writes the count of refusals beyond the per-minute records once their minute has ended', async () => {
    const env = await lifecycleSetup();
    const before = (await env.auditRecords()).length;
    const refused = async () => expect(env.engine.approvals.submitPage(ui(ERIN), '2001')).rejects.toBeInstanceOf(DomainError);
    for (let i = 0; i < DENIALS_RECORDED_PER_MINUTE + 7; i++) await refused();
    expect((await env.auditRecords()).slice(before)).toHaveLength(DENIALS_RECORDED_PER_MINUTE);

    env.tick(2 * 60_000);
    await env.run();
    const added = (await env.auditRecords()).slice(before);
    expect(added).toHaveLength(DENIALS_RECORDED_PER_MINUTE + 1);
    expect(added[added.length - 1]).toMatchObject({ action: 'access.denied', actor: ERIN, spaceId: ENG, details: { operation: 'denials.flush', suppressedDenials: 7 } });

    // flushed once: a second run adds nothing, and Erin's next record carries no stale count
    await env.run();
    expect(await env.auditRecords()).toHaveLength(before + DENIALS_RECORDED_PER_MINUTE + 1);
    await refused();
    const last = (await env.auditRecords()).at(-1)!;
    expect(last.details).not.toHaveProperty('suppressedDenials');
    expect((await env.audit.verify()).ok).toBe(true);
  });
});

describe('analytics for a non-admin (finding 7)', () => {
  test('opening the panel without the right to read the audit trail shows fewer figures and records no access.denied', async () => {
    const app = await createResolverApp();
    const trail = new AuditTrail({ store: app.store, clock: { now: () => app.clock.now }, ids: new RandomIds() });
    const denied = async () => {
      while ((await trail.sequence()).remaining > 0);
      return (await trail.list({ action: 'access.denied' }, { limit: 100 })).items;
    };
    expect(await app.invoke(BOB, 'analytics.summary', { spaceId: ENG })).toMatchObject({ success: true, auditAvailable: false });
    expect(await denied()).toEqual([]);
    // a space admin reads the audit figures
    expect(await app.invoke('acc-alice', 'analytics.summary', { spaceId: ENG })).toMatchObject({ success: true, auditAvailable: true });
  });
});
