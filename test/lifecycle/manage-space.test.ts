/**
 * Manage space (SPEC 2.9) over the real engine: rows carry approval state, review state, workflow and
 * last change; only space admins see the tree or clear an assignment; clearing resets the page to
 * draft, cancels a pending approval and keeps history and audit.
 */
import { clearAssignment, spaceTree } from '../../src/core/lifecycle/manage-space';
import type { TreeParent } from '../../src/core/ports/lifecycle-confluence';
import type { ConfluenceSite } from '../../src/core/ports/confluence';
import { ALICE, BOB, CAROL, ENG, codeOf, ui } from '../engine/helpers';
import { DAY_MS, lifecycleSetup } from './support';

/** The tree part is the adapter's (tested against the local site elsewhere); here a fixed level over the site. */
const tree = (site: ConfluenceSite, seen: TreeParent[]): ConfluenceSite => Object.assign(Object.create(site) as ConfluenceSite, {
  listChildren: (_accountId: string, parent: TreeParent) => {
    seen.push(parent);
    return Promise.resolve({
      items: [
        { id: '2001', type: 'page', title: 'x' },
        { id: '2002', type: 'page', title: 'x' },
        { id: '3001', type: 'page', title: 'a DOCS page' },
        { id: '9100', type: 'folder', title: 'Runbooks' },
      ],
    });
  },
});

describe('manage space', () => {
  test('rows show approval state, review state, workflow (explicit or resolved) and last change; other spaces are left out', async () => {
    const env = await lifecycleSetup();
    await env.engine.workflows.assign(ui(ALICE), '2001', 'wf-recert');
    const a = await env.engine.approvals.submitPage(ui(BOB), '2001');
    await env.engine.approvals.decide(ui(CAROL), a.id, 'approve');
    env.advanceDays(80);
    const seen: TreeParent[] = [];
    const level = await spaceTree.execute({ ...env.ctx, confluence: tree(env.ctx.confluence, seen) }, ui(ALICE), { spaceId: ENG, parent: { kind: 'page', id: '2000' } });
    expect(seen).toEqual([{ kind: 'page', id: '2000' }]);
    expect(level.items.map((r) => r.id)).toEqual(['2001', '2002', '9100']);
    const [approved, draft, folder] = level.items;
    expect(approved).toMatchObject({
      type: 'page',
      title: 'Architecture overview',
      approval: { state: 'approved', reviewState: 'due', approvalId: a.id, workflow: { id: 'wf-recert', explicit: true }, lastChange: { status: 'approved' } },
    });
    expect(approved.approval!.reviewDueAt).toBe(approved.approval!.lastChange!.at + 90 * DAY_MS);
    // ENG has several enabled workflows now, so an unassigned page resolves to none
    expect(draft.approval).toMatchObject({ state: 'draft', reviewState: null, workflow: null, lastChange: null });
    expect(folder).toEqual({ id: '9100', type: 'folder', title: 'Runbooks' });
  });

  test('a non-admin is refused (403) and the refusal is audited; nothing is listed', async () => {
    const env = await lifecycleSetup();
    const seen: TreeParent[] = [];
    expect(await codeOf(spaceTree.execute({ ...env.ctx, confluence: tree(env.ctx.confluence, seen) }, ui(BOB), { spaceId: ENG }))).toBe('FORBIDDEN');
    expect(seen).toEqual([]);
    expect(await codeOf(clearAssignment.execute(env.ctx, ui(BOB), '2001'))).toBe('FORBIDDEN');
    const denials = (await env.auditRecords()).filter((r) => r.action === 'access.denied');
    expect(denials.map((r) => r.details.operation)).toEqual(['space.tree', 'assignment.clear']);
  });

  test('clear assignment: pending approval cancelled, state back to draft, assignment gone, history and records kept', async () => {
    const env = await lifecycleSetup();
    await env.engine.workflows.assign(ui(ALICE), '2003', 'wf-remind');
    const first = await env.engine.approvals.submitPage(ui(BOB), '2003');
    await clearAssignment.execute(env.ctx, ui(ALICE), '2003');

    const status = await env.engine.approvals.pageStatus(ui(BOB), '2003');
    expect(status).toMatchObject({ state: 'draft', reviewState: null });
    expect(status.latestApproval).toBeUndefined();
    const history = await env.engine.approvals.history(ui(BOB), '2003');
    expect(history.map((h) => [h.id, h.status])).toEqual([[first.id, 'cancelled']]);
    expect(await codeOf(env.engine.approvals.submitPage(ui(BOB), '2003'))).toBe('NO_WORKFLOW'); // several workflows, no assignment
    const records = await env.auditRecords();
    const cleared = records.filter((r) => r.action === 'assignment.cleared');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatchObject({ actor: ALICE, pageId: '2003', approvalId: first.id, details: { from: 'wf-remind', previousStatus: 'pending' } });
    expect(records.filter((r) => r.action === 'approval.submitted' && r.pageId === '2003')).toHaveLength(1);
    expect((await env.audit.verify()).ok).toBe(true);

    // the cancelled approval's reminders are dropped, never posted
    const before = env.comments('2003').length;
    env.advanceDays(3);
    expect(await env.run()).toMatchObject({ processed: 0, dropped: 1 });
    expect(env.comments('2003')).toHaveLength(before);
  });
});
