/**
 * The field rules of workflows and change sets (SPEC 2.1, 2.1a, 2.5) as a user meets them: the edge
 * schemas refuse each bad payload with INVALID_REQUEST and the field named, and nothing is written.
 * The engine trusts validated input (issue 17: each rule once), so these run through the resolvers
 * over the real engine and local site; test/api/edge-parity.test.ts shows REST refuses the same.
 */
import { createResolverApp, type ResolverApp } from '../security/resolver-app';

const ENG = '1001';
const step = (approvers: string[], mode: 'any' | 'all' = 'any') => ({ approvers, mode });
const people = (n: number) => Array.from({ length: n }, (_, i) => `acc-${i}`);

async function refusedField(app: ResolverApp, who: string, key: string, payload: Record<string, unknown>): Promise<string | undefined> {
  const reply = await app.invoke(who, key, payload, { spaceId: ENG });
  expect(reply).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  return reply.details?.[0]?.field;
}

describe('workflow fields: name 1..120, steps 1..10, approvers 1..50 unique, owners are people', () => {
  test('each bad workflow is refused with its field, and no workflow is created', async () => {
    const app = await createResolverApp();
    const create = (payload: Record<string, unknown>) => refusedField(app, 'acc-alice', 'workflow.create', payload);
    const before = (await app.invoke('acc-alice', 'workflow.list', {}, { spaceId: ENG })).workflows.length;
    expect(await create({ name: '', steps: [step(['acc-carol'])] })).toBe('name');
    expect(await create({ name: 'x'.repeat(121), steps: [step(['acc-carol'])] })).toBe('name');
    expect(await create({ name: 'no steps', steps: [] })).toBe('steps');
    expect(await create({ name: 'eleven', steps: Array.from({ length: 11 }, () => step(['acc-carol'])) })).toBe('steps');
    expect(await create({ name: 'no approvers', steps: [step([])] })).toBe('steps[0].approvers');
    expect(await create({ name: 'dupes', steps: [step(['acc-carol', 'acc-carol'])] })).toBe('steps[0].approvers');
    expect(await create({ name: '51', steps: [step(people(51))] })).toBe('steps[0].approvers');
    expect(await create({ name: 'group owner', steps: [step(['acc-carol'])], owners: ['group:grp-eng-reviewers'] })).toBe('owners[0]');
    const keys = { name: 'keys', steps: [{ groups: [{ key: 'a', name: 'A', approvers: ['acc-carol'], required: 1 }, { key: 'a', name: 'B', approvers: ['acc-dave'], required: 1 }] }] };
    expect(await create(keys)).toBe('steps[0].groups');
    const threshold = { name: 'threshold', steps: [{ groups: [{ key: 'a', name: 'A', approvers: ['acc-carol'], required: 1 }], rejectPolicy: { threshold: 2 } }] };
    expect(await create(threshold)).toBe('steps[0].rejectPolicy.threshold');
    expect((await app.invoke('acc-alice', 'workflow.list', {}, { spaceId: ENG })).workflows).toHaveLength(before);
  });

  test('a workflow that could never complete a step is refused by the engine (QUORUM_UNREACHABLE)', async () => {
    const app = await createResolverApp();
    const reply = await app.invoke('acc-alice', 'workflow.create', { name: 'q', steps: [{ groups: [{ key: 'a', name: 'A', approvers: ['acc-carol'], required: 2 }] }] }, { spaceId: ENG });
    expect(reply).toMatchObject({ success: false, code: 'QUORUM_UNREACHABLE', details: [{ field: 'steps[0].groups[0].required' }] });
  });
});

describe('separation of duties (SPEC 2.3a): each field has its default', () => {
  test('a partial sod object is saved with the defaults for the fields it leaves out', async () => {
    const app = await createResolverApp();
    const created = await app.invoke('acc-alice', 'workflow.create', { name: 'sod', steps: [step(['acc-carol'])], sod: { excludeEditors: 'last_editor' } }, { spaceId: ENG });
    expect(created).toMatchObject({ success: true, workflow: { sod: { excludeEditors: 'last_editor', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 } } });
    const updated = await app.invoke('acc-alice', 'workflow.update', { workflowId: created.workflow.id, sod: { distinctAcrossSteps: true } });
    expect(updated.workflow.sod).toEqual({ excludeEditors: 'none', distinctAcrossSteps: true, changeSetMinDistinctApprovers: 0 });
    expect(await refusedField(app, 'acc-alice', 'workflow.update', { workflowId: created.workflow.id, sod: { changeSetMinDistinctApprovers: 11 } })).toBe('sod.changeSetMinDistinctApprovers');
  });
});

describe('a reminder window only with a review period (SPEC 2.1)', () => {
  test('reminderWindowDays without reviewPeriodDays is refused naming the field, on create and update; turning the period off resets it', async () => {
    const app = await createResolverApp();
    const before = (await app.invoke('acc-alice', 'workflow.list', {}, { spaceId: ENG })).workflows.length;
    expect(await refusedField(app, 'acc-alice', 'workflow.create', { name: 'w', steps: [step(['acc-carol'])], reminderWindowDays: 30 })).toBe('reminderWindowDays');
    expect((await app.invoke('acc-alice', 'workflow.list', {}, { spaceId: ENG })).workflows).toHaveLength(before);
    expect(await refusedField(app, 'acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reminderWindowDays: 30 })).toBe('reminderWindowDays');
    expect(await refusedField(app, 'acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: null, reminderWindowDays: 30 })).toBe('reminderWindowDays');
    const reviewed = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: 90, reminderWindowDays: 30 });
    expect(reviewed.workflow).toMatchObject({ reviewPeriodDays: 90, reminderWindowDays: 30 });
    const off = await app.invoke('acc-alice', 'workflow.update', { workflowId: 'wf-eng-review', reviewPeriodDays: null });
    expect(off.workflow).toMatchObject({ reviewPeriodDays: null, reminderWindowDays: 14 });
  });
});

describe('change-set fields: title, summary, reference URL, 1..100 unique pages', () => {
  test('each bad change set is refused with its field, and none is created', async () => {
    const app = await createResolverApp();
    const create = (fields: Record<string, unknown>) => refusedField(app, 'acc-bob', 'changeSet.create', { title: 'PR 42', pageRefs: [{ pageId: '2001' }], ...fields });
    expect(await create({ title: '' })).toBe('title');
    expect(await create({ title: 'x'.repeat(256) })).toBe('title');
    expect(await create({ summary: 'x'.repeat(2001) })).toBe('summary');
    expect(await create({ referenceUrl: 'ftp://example.com/x' })).toBe('referenceUrl');
    expect(await create({ referenceUrl: 'javascript:alert(1)' })).toBe('referenceUrl');
    expect(await create({ referenceUrl: `https://example.com/${'x'.repeat(2040)}` })).toBe('referenceUrl');
    expect(await create({ pageRefs: [] })).toBe('pageRefs');
    expect(await create({ pageRefs: [{ pageId: '2001' }, { pageId: '2001' }] })).toBe('pageRefs');
    expect(await create({ pageRefs: Array.from({ length: 101 }, (_, i) => ({ pageId: String(5000 + i) })) })).toBe('pageRefs');
    expect((await app.invoke('acc-bob', 'changeSet.list', {}, { spaceId: ENG })).changeSets).toEqual([]);
  });
});
