/**
 * Routing rules (SPEC 2.2a) over the real engine and the local site: a label rule routes a page on
 * its first submit and binds it (assignment `rule:<id>`, audited); removing the label later leaves
 * the page on its workflow, shown as drift; saves are space-admin only and refuse bad rules.
 */
import { buildSeed } from '../../local/site';
import { profileFromEnv } from '../../local/profile';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { createEngine } from '../../src/core/services';
import { keys } from '../../src/core/services/keys';
import { ALICE, BOB, CAROL, DOCS, ERIN, refusal, setup, ui, type TestEnv } from './helpers';

const legalRule = { priority: 10, match: { labelsAny: ['legal'] }, workflowId: 'wf-docs-legal', enabled: true };

async function withLegalRule(env: TestEnv) {
  return env.engine.routing.save(ui(ALICE), DOCS, [legalRule], 0);
}

describe('routing rules', () => {
  it('routes a labelled DOCS page to the legal workflow on its first submit, binds it, and keeps it there (with drift) after the label is removed', async () => {
    const env = await setup();
    const saved = await withLegalRule(env);
    const ruleId = saved.rules[0].id;
    env.site.changeLabels('3001', ALICE, { add: ['legal'], remove: [] });

    const preflight = await env.engine.approvals.preflightPage(ui(BOB), '3001');
    expect(preflight).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-legal', routedBy: { kind: 'rule', ruleId } });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001');
    expect(approval).toMatchObject({ workflowId: 'wf-docs-legal', routedBy: { kind: 'rule', ruleId } });
    expect(await env.engine.approvals.pageStatus(ui(BOB), '3001')).toMatchObject({ routedBy: { kind: 'rule', ruleId }, latestApproval: { id: approval.id, routedBy: { kind: 'rule', ruleId } } });
    expect((await env.store.get(keys.assignment('3001')))?.value).toEqual({ pageId: '3001', spaceId: DOCS, workflowId: 'wf-docs-legal', source: `rule:${ruleId}` });
    const records = await env.auditRecords();
    expect(records.find((r) => r.action === 'assignment.changed' && r.pageId === '3001')).toMatchObject({ actor: BOB, workflowId: 'wf-docs-legal', details: { from: null, to: 'wf-docs-legal', by: `rule:${ruleId}` } });
    expect(records.find((r) => r.action === 'routing.updated')).toMatchObject({ actor: ALICE, spaceId: DOCS });

    // the label goes; the page stays on the legal workflow (binding) and shows drift
    await env.engine.approvals.cancel(ui(BOB), approval.id);
    env.site.changeLabels('3001', ALICE, { add: [], remove: ['legal'] });
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3001')).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-legal', routedBy: { kind: 'assignment' } });
    const explained = await env.engine.routing.explain(ui(ALICE), '3001');
    expect(explained).toMatchObject({ drift: true, complete: true, assignment: { workflowId: 'wf-docs-legal', source: `rule:${ruleId}` }, rules: [{ ruleId, verdict: 'no_match' }] });
    expect(explained.matchedRuleId).toBeUndefined();
    // an author cannot route around the binding
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3001', 'wf-docs-quick')).toMatchObject({ canSubmit: false, code: 'WORKFLOW_NOT_ASSIGNED' });
    // the next submission records that the (now materialised) assignment decided, and status says so
    const again = await env.engine.approvals.submitPage(ui(BOB), '3001');
    expect(again.routedBy).toEqual({ kind: 'assignment' });
    expect((await env.engine.approvals.pageStatus(ui(ALICE), '3001')).routedBy).toEqual({ kind: 'assignment' });
  });

  it('an unlabelled page of a space with several workflows still needs a choice, and a choice cannot go around a matching rule', async () => {
    const env = await setup();
    await withLegalRule(env);
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3002')).toMatchObject({ canSubmit: false, code: 'NO_WORKFLOW' });
    // the choice becomes the page's assignment on submit (audit A#12), so it routes as one
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3002', 'wf-docs-quick')).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-quick', routedBy: { kind: 'assignment' } });
    env.site.changeLabels('3002', ALICE, { add: ['legal'], remove: [] });
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3002', 'wf-docs-quick')).toMatchObject({ canSubmit: false, code: 'WORKFLOW_NOT_ASSIGNED', workflowId: 'wf-docs-legal' });
  });

  it('routes by page tree (underPageId) through the ancestors the submitter reads', async () => {
    const seed = buildSeed();
    const child = structuredClone(seed.pages.find((p) => p.id === '3002')!);
    seed.pages.push({ ...child, id: '3101', parentId: '3001' });
    const env = await setup({ seed });
    const saved = await env.engine.routing.save(ui(ALICE), DOCS, [{ priority: 5, match: { underPageId: '3001' }, workflowId: 'wf-docs-quick', enabled: true }]);
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3101')).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-quick', routedBy: { kind: 'rule', ruleId: saved.rules[0].id } });
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3002')).toMatchObject({ canSubmit: false, code: 'NO_WORKFLOW' });
  });

  it('saves are for space admins; viewers may list; bad rules are refused by field and change nothing', async () => {
    const env = await setup();
    expect(await refusal(env.engine.routing.save(ui(BOB), DOCS, [legalRule]))).toMatchObject({ code: 'FORBIDDEN' });
    const hidden = await refusal(env.engine.routing.list(ui(ERIN), DOCS));
    expect(hidden).toEqual(await refusal(env.engine.routing.list(ui(ERIN), '998877')));
    expect(hidden.code).toBe('SPACE_NOT_FOUND');
    expect(await refusal(env.engine.routing.save(ui(ALICE), DOCS, [legalRule, { ...legalRule, workflowId: 'wf-docs-quick' }]))).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await refusal(env.engine.routing.save(ui(ALICE), DOCS, [{ ...legalRule, workflowId: 'wf-eng-review' }]))).toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    expect(await refusal(env.engine.routing.save(ui(ALICE), DOCS, [{ ...legalRule, match: { underPageId: '2001' } }]))).toMatchObject({ code: 'WRONG_SPACE' });
    await env.engine.workflows.setEnabled(ui(ALICE), 'wf-docs-legal', false);
    expect(await refusal(env.engine.routing.save(ui(ALICE), DOCS, [legalRule]))).toMatchObject({ code: 'WORKFLOW_DISABLED' });
    expect((await env.engine.routing.list(ui(CAROL), DOCS)).rules).toEqual([]);
    await env.engine.workflows.setEnabled(ui(ALICE), 'wf-docs-legal', true);
    const saved = await withLegalRule(env);
    expect(await refusal(env.engine.routing.save(ui(ALICE), DOCS, [], 0))).toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await env.engine.routing.list(ui(CAROL), DOCS)).toEqual(saved);
  });

  it('answers ROUTING_INCOMPLETE when the labels or ancestors cannot all be read, never a silent fallback', async () => {
    const env = await setup();
    await env.engine.workflows.setEnabled(ui(ALICE), 'wf-docs-quick', false);
    await withLegalRule(env);
    // Bob's view of the labels fails (a refusal or an unexpected answer): routing cannot be decided
    const confluence = new RestConfluenceSite(env.site.transport(), confluenceAccess(profileFromEnv(), { actingAccountId: BOB }, { via: 'resolver' }));
    confluence.routingFacts = () => Promise.resolve(undefined);
    const engine = createEngine({ ...env.deps, confluence });
    expect(await engine.approvals.preflightPage(ui(BOB), '3003')).toMatchObject({ canSubmit: false, code: 'ROUTING_INCOMPLETE', reason: 'Routing could not be fully evaluated' });
    expect(await refusal(engine.approvals.submitPage(ui(BOB), '3003'))).toMatchObject({ code: 'ROUTING_INCOMPLETE' });
    // with the facts readable, the single enabled workflow applies (no rule matches)
    expect(await env.engine.approvals.preflightPage(ui(BOB), '3003')).toMatchObject({ canSubmit: true, workflowId: 'wf-docs-legal', routedBy: { kind: 'default' } });
  });
});
