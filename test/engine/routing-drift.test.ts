/**
 * Routing drift recorded from label and move events (SPEC 2.2a): the trigger handler re-checks a page
 * a rule bound, records the marker manage space shows, never changes the assignment, and is
 * idempotent; the marker goes when the page matches again, and a page with no rule binding records nothing.
 */
import { createRoutingDriftTrigger } from '../../src/transport/events/routing-drift';
import { keys } from '../../src/core/services/keys';
import { ALICE, BOB, DOCS, setup, ui } from './helpers';

const legalRule = { priority: 10, match: { labelsAny: ['legal'] }, workflowId: 'wf-docs-legal', enabled: true };

describe('routing drift from label and move events', () => {
  it('records drift when the binding rule no longer matches, clears it when it matches again, and never re-routes', async () => {
    const env = await setup();
    await env.engine.routing.save(ui(ALICE), DOCS, [legalRule], 0);
    env.site.changeLabels('3001', ALICE, { add: ['legal'], remove: [] });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001');
    await env.engine.approvals.cancel(ui(BOB), approval.id);
    const assignmentBefore = (await env.store.get(keys.assignment('3001')))?.value;
    const trigger = createRoutingDriftTrigger((pageId) => env.engine.routing.recordDrift(pageId), () => undefined);
    const labelEvent = { eventType: 'avi:confluence:removed:label', content: { id: '3001' } };

    expect(await trigger(labelEvent)).toEqual({ ok: true, drift: false });
    expect(await env.store.get(keys.routingDrift('3001'))).toBeUndefined();

    env.site.changeLabels('3001', ALICE, { add: [], remove: ['legal'] });
    expect(await trigger(labelEvent)).toEqual({ ok: true, drift: true });
    expect(await trigger(labelEvent)).toEqual({ ok: true, drift: true }); // a replayed event changes nothing
    expect((await env.store.get(keys.routingDrift('3001')))?.value).toMatchObject({ pageId: '3001', spaceId: DOCS, workflowId: 'wf-docs-legal' });
    expect((await env.store.get(keys.assignment('3001')))?.value).toEqual(assignmentBefore);

    env.site.changeLabels('3001', ALICE, { add: ['legal'], remove: [] });
    expect(await trigger({ eventType: 'avi:confluence:added:label', content: { id: '3001' } })).toEqual({ ok: true, drift: false });
    expect(await env.store.get(keys.routingDrift('3001'))).toBeUndefined();
  });

  it('records nothing for a page without a rule binding, and ignores an event without a page id', async () => {
    const env = await setup();
    const trigger = createRoutingDriftTrigger((pageId) => env.engine.routing.recordDrift(pageId), () => undefined);
    expect(await trigger({ eventType: 'avi:confluence:moved:page', content: { id: '2001' } })).toEqual({ ok: true, drift: false });
    expect(await env.store.get(keys.routingDrift('2001'))).toBeUndefined();
    expect(await trigger({ eventType: 'avi:confluence:added:label' })).toEqual({ ok: false, code: 'INVALID_REQUEST' });
    expect(await trigger({ content: { id: '2001' } }, { license: { isActive: false } })).toEqual({ ok: false, code: 'LICENSE_INACTIVE' });
  });
});
