/**
 * The Automation label bridge resolvers (automation.labels.get / automation.labels.save, SPEC 3a)
 * called as Forge calls them: who may read and save, who may not (nothing changes, the refusal is
 * audited), and a space the caller cannot view answers exactly like a missing one. Their no-500
 * fuzz is in api-resolver-fuzz.test.ts.
 */
import { createResolverApp, type ResolverApp } from './resolver-app';
import { SEED_IDS } from '../../local/site/seed';

const { alice, bob, erin, frank } = SEED_IDS.users;
const { eng: ENG, docs: DOCS } = SEED_IDS.spaces;
const MISSING_SPACE = '999999';
const mapping = { approved: 'af-approved', stale: 'af-stale' };

let app: ResolverApp;
beforeEach(async () => {
  app = await createResolverApp();
});

const read = async (spaceId: string) => app.invoke(alice, 'automation.labels.get', { spaceId });

describe('automation.labels.get / automation.labels.save', () => {
  it('a site admin saves (audited); a viewer reads it without the right to edit; the bridge starts off', async () => {
    expect(await app.invoke(bob, 'automation.labels.get', { spaceId: ENG })).toMatchObject({ success: true, spaceId: ENG, labelOnState: {}, version: 0, canEdit: false });
    const saved = await app.invoke(alice, 'automation.labels.save', { spaceId: ENG, labelOnState: mapping, expectedVersion: 0 });
    expect(saved).toMatchObject({ success: true, labelOnState: mapping, version: 1, canEdit: true });
    expect(await app.invoke(bob, 'automation.labels.get', { spaceId: ENG })).toMatchObject({ labelOnState: mapping, version: 1, canEdit: false });
    const audit = await app.invoke(alice, 'audit.list', { action: 'automation.labels.updated' });
    expect(audit.records).toEqual([expect.objectContaining({ actor: alice, spaceId: ENG, details: { approved: 'af-approved', rejected: '', stale: 'af-stale' } })]);
  });

  it('a space admin who is not a site admin saves their space; an editor who is not an admin is refused and nothing changes', async () => {
    expect(await app.invoke(frank, 'automation.labels.save', { spaceId: DOCS, labelOnState: { rejected: 'needs-work' } })).toMatchObject({ success: true, version: 1 });
    const before = [await read(ENG), await read(DOCS)];
    expect(await app.invoke(bob, 'automation.labels.save', { spaceId: ENG, labelOnState: mapping })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect([await read(ENG), await read(DOCS)]).toEqual(before);
    const denied = await app.invoke(alice, 'audit.list', { action: 'access.denied', actor: bob });
    expect(denied.records).toEqual([expect.objectContaining({ spaceId: ENG, details: expect.objectContaining({ operation: 'automation.labels.save' }) })]);
  });

  it('a space the caller cannot view answers like a missing one, for get and save', async () => {
    for (const key of ['automation.labels.get', 'automation.labels.save'] as const) {
      const payload = (spaceId: string) => (key === 'automation.labels.save' ? { spaceId, labelOnState: mapping } : { spaceId });
      const hidden = await app.invoke(erin, key, payload(DOCS));
      expect(hidden).toMatchObject({ success: false, code: 'SPACE_NOT_FOUND' });
      expect(hidden).toEqual(await app.invoke(erin, key, payload(MISSING_SPACE)));
    }
    expect(await read(DOCS)).toMatchObject({ labelOnState: {}, version: 0 });
  });

  it('refuses a label Confluence would not accept, two states sharing a label, and a stale version, naming the field and changing nothing', async () => {
    await app.invoke(alice, 'automation.labels.save', { spaceId: ENG, labelOnState: mapping });
    const before = await read(ENG);
    const upper = await app.invoke(alice, 'automation.labels.save', { spaceId: ENG, labelOnState: { approved: 'Approved Now' } });
    expect(upper).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'labelOnState.approved' })] });
    const shared = await app.invoke(alice, 'automation.labels.save', { spaceId: ENG, labelOnState: { approved: 'done', stale: 'done' } });
    expect(shared).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'labelOnState.stale' })] });
    expect(await app.invoke(alice, 'automation.labels.save', { spaceId: ENG, labelOnState: {}, expectedVersion: 0 })).toMatchObject({ success: false, code: 'VERSION_CONFLICT' });
    expect(await read(ENG)).toEqual(before);
  });
});
