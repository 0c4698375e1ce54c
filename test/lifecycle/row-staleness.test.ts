/**
 * SPEC 2.4a `staleness` in list rows, from the same builder as /pages/status: the manage-space page
 * list, the review queue and the approver queue. A version whose hash the page-updated job already
 * cached costs no Confluence read per row.
 */
import { spaceTree } from '../../src/core/lifecycle/manage-space';
import { reviewQueue } from '../../src/core/lifecycle/review-queue';
import type { ConfluenceSite } from '../../src/core/ports/confluence';
import { keys } from '../../src/core/services/keys';
import { ALICE, BOB, CAROL, ENG, ERIN, ui } from '../engine/helpers';
import { lifecycleSetup, type LifecycleEnv } from './support';

/** The tree level these rows come from: three pages, the rest of the client as it is. */
const withLevel = (confluence: ConfluenceSite): ConfluenceSite =>
  Object.assign(Object.create(confluence) as ConfluenceSite, {
    listChildren: () => Promise.resolve({ items: ['2001', '2002', '2003'].map((id) => ({ id, type: 'page' as const, title: 'x' })) }),
  });

async function approve(env: LifecycleEnv, pageId: string): Promise<void> {
  const a = await env.engine.approvals.submitPage(ui(BOB), pageId, 'wf-recert');
  await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
}

async function edit(env: LifecycleEnv, pageId: string, change: { body?: string }): Promise<void> {
  env.tick();
  await env.site.editPage(pageId, { accountId: BOB, ...change });
  await env.engine.content.pageUpdated(pageId);
}

/** Content reads of one version (`?version=n&body-format=storage`), counted by the local site. */
const contentReads = (env: LifecycleEnv): number => env.site.calls.byEndpoint['GET /wiki/api/v2/pages/{id}'] ?? 0;

describe('staleness in list rows under content_change', () => {
  async function prepared(): Promise<LifecycleEnv> {
    const env = await lifecycleSetup();
    await env.engine.workflows.update(ui(ALICE), 'wf-recert', { stalenessPolicy: 'content_change' });
    await approve(env, '2001');
    await approve(env, '2002');
    await edit(env, '2001', {}); // a new version with the approved content: still approved
    await edit(env, '2002', { body: '<p>Rewritten.</p>' });
    return env;
  }

  test('the manage-space rows say what /pages/status says, and a cached hash costs no Confluence read', async () => {
    const env = await prepared();
    env.site.resetCalls();
    const rows = (await spaceTree.execute({ ...env.ctx, confluence: withLevel(env.ctx.confluence) }, ui(ALICE), { spaceId: ENG })).items;
    expect(contentReads(env)).toBe(0);
    const byId = new Map(rows.map((r) => [r.id, r.approval!]));
    expect(byId.get('2001')).toMatchObject({ state: 'approved', isStale: false, versionDelta: 1, staleness: { stale: false, reason: 'no_content_change', versionDelta: 1 } });
    expect(byId.get('2002')).toMatchObject({ state: 'approved', isStale: true, staleness: { stale: true, reason: 'content_changed', versionDelta: 1 } });
    expect(byId.get('2003')).toMatchObject({ state: 'draft', isStale: false, staleness: { stale: false, reason: 'not_approved', versionDelta: 0 } });
    for (const id of ['2001', '2002', '2003']) expect(byId.get(id)!.staleness).toEqual((await env.engine.approvals.pageStatus(ui(ALICE), id)).staleness);

    // without the cached hash the row reads the version's content once, as the admin, and caches it
    const current = env.site.getPageForRender('2002')!.version;
    await env.store.transact([{ op: 'delete', key: keys.contentHash('2002', current) }]);
    env.site.resetCalls();
    const again = (await spaceTree.execute({ ...env.ctx, confluence: withLevel(env.ctx.confluence) }, ui(ALICE), { spaceId: ENG })).items;
    expect(contentReads(env)).toBe(1);
    expect(again.find((r) => r.id === '2002')!.approval!.staleness.reason).toBe('content_changed');
  });

  test('the review queue rows carry it too', async () => {
    const env = await prepared();
    env.advanceDays(80);
    env.site.resetCalls();
    const rows = (await reviewQueue.execute(env.ctx, ui(ERIN), ENG, {})).items;
    expect(contentReads(env)).toBe(0);
    expect(rows.map((r) => [r.pageId, r.staleness?.stale, r.staleness?.reason])).toEqual([
      ['2001', false, 'no_content_change'],
      ['2002', true, 'content_changed'],
    ]);
  });

  test('approver queue rows are pending approvals: not_approved, like the status of a page in approval', async () => {
    const env = await prepared();
    await env.engine.approvals.submitPage(ui(BOB), '2003', 'wf-recert');
    const rows = (await env.engine.approvals.queue(ui(CAROL), ENG, { mine: true })).items;
    expect(rows.map((r) => [r.pageId, r.staleness])).toEqual([['2003', { stale: false, reason: 'not_approved', versionDelta: 0 }]]);
    expect((await env.engine.approvals.pageStatus(ui(CAROL), '2003')).staleness).toEqual(rows[0].staleness);
  });
});
