/** Analytics summary (issue 11 item 7) over real audit records: outcomes, dated trend, per-workflow medians, filters. */
import { summarizeApprovals } from '../../src/core/analytics/summary';
import { ALICE, BOB, CAROL, DAVE, DOCS, ui } from '../engine/helpers';
import { DAY_MS, lifecycleSetup } from './support';

const HOUR = 3_600_000;

describe('summarizeApprovals', () => {
  test('counts one outcome per approval, buckets by UTC day, medians per workflow, filters by range and workflow', async () => {
    const env = await lifecycleSetup();
    const start = env.deps.clock.now();
    const quick = await env.engine.approvals.submitPage(ui(BOB), '3001', 'wf-docs-quick');
    env.tick(2 * HOUR);
    await env.engine.approvals.decide(ui(CAROL), quick.id, 'approve');
    const legal = await env.engine.approvals.submitPage(ui(BOB), '3002', 'wf-docs-legal');
    env.tick(DAY_MS);
    await env.engine.approvals.decide(ui(CAROL), legal.id, 'approve'); // step 1 of 2
    await env.engine.approvals.decide(ui(ALICE), legal.id, 'approve'); // "all": still waiting for Dave
    env.tick(3 * HOUR);
    await env.engine.approvals.decide(ui(DAVE), legal.id, 'approve');
    const rejected = await env.engine.approvals.submitPage(ui(BOB), '3003', 'wf-docs-quick');
    env.tick(4 * HOUR);
    await env.engine.approvals.decide(ui(CAROL), rejected.id, 'reject', 'Needs a proper summary first.');
    const cancelled = await env.engine.approvals.submitPage(ui(BOB), '3004', 'wf-docs-quick');
    await env.engine.approvals.cancel(ui(BOB), cancelled.id);

    const records = (await env.auditRecords()).filter((r) => r.spaceId === DOCS);
    const names = new Map([['wf-docs-quick', 'Docs quick'], ['wf-docs-legal', 'Docs legal']]);
    const all = summarizeApprovals(records, { from: start, to: env.deps.clock.now() }, names);
    expect(all.counts).toEqual({ submitted: 4, approved: 2, rejected: 1, cancelled: 1 });
    expect(all.byWorkflow).toEqual([
      { workflowId: 'wf-docs-legal', name: 'Docs legal', submitted: 1, approved: 1, rejected: 0, cancelled: 0, medianHoursToDecision: 27 },
      { workflowId: 'wf-docs-quick', name: 'Docs quick', submitted: 3, approved: 1, rejected: 1, cancelled: 1, medianHoursToDecision: 3 },
    ]);
    expect(all.medianHoursToDecision).toBe(4);
    expect(all.perDay.map((d) => d.day)).toEqual(['2026-01-05', '2026-01-06']);
    expect(all.perDay[0]).toMatchObject({ submitted: 2, approved: 1 });
    expect(all.perDay[1]).toMatchObject({ submitted: 2, approved: 1, rejected: 1, cancelled: 1 });

    const legalOnly = summarizeApprovals(records, { from: start, to: env.deps.clock.now(), workflowId: 'wf-docs-legal' }, names);
    expect(legalOnly.counts).toEqual({ submitted: 1, approved: 1, rejected: 0, cancelled: 0 });
    const firstDay = summarizeApprovals(records, { from: start, to: start + 12 * HOUR }, names);
    expect(firstDay.counts).toEqual({ submitted: 2, approved: 1, rejected: 0, cancelled: 0 });
  });
});
