/**
 * The issue-22 resolvers called as Forge calls them (routing.rules.list/save, routing.explain,
 * workflow.export, workflow.import.preview, workflow.import with a document): who may, who may not,
 * and an object the caller cannot see answers exactly like a missing one, writing nothing.
 * (Their no-500 fuzz is in api-resolver-fuzz.test.ts.)
 */
import { createResolverApp, type ResolverApp } from './resolver-app';
import { SEED_IDS } from '../../local/site/seed';

const { alice, bob, carol, erin } = SEED_IDS.users;
const { eng: ENG, docs: DOCS } = SEED_IDS.spaces;
const MISSING_SPACE = '999999';
const MISSING_PAGE = '999998';
const legalRule = { priority: 10, match: { labelsAny: ['legal'] }, workflowId: 'wf-docs-legal', enabled: true };

let app: ResolverApp;

beforeEach(async () => {
  app = await createResolverApp();
});

/** What a refused call must leave as it was: both spaces' rules and workflows, as a space admin reads them. */
async function domainState(): Promise<unknown> {
  const read = async (spaceId: string) => [await app.invoke(alice, 'routing.rules.list', { spaceId }), await app.invoke(alice, 'workflow.list', { spaceId })];
  return [await read(ENG), await read(DOCS)];
}

describe('routing.rules.list / routing.rules.save', () => {
  it('a viewer lists, a space admin saves; an editor who is not an admin is refused and nothing changes', async () => {
    const saved = await app.invoke(alice, 'routing.rules.save', { spaceId: DOCS, rules: [legalRule], expectedVersion: 0 });
    expect(saved).toMatchObject({ success: true, version: 1, rules: [{ ...legalRule, id: expect.any(String) }] });
    expect(await app.invoke(bob, 'routing.rules.list', { spaceId: DOCS })).toMatchObject({ success: true, version: 1, rules: [{ id: saved.rules[0].id }] });

    const before = await domainState();
    expect(await app.invoke(bob, 'routing.rules.save', { spaceId: DOCS, rules: [] })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect(await domainState()).toEqual(before);
  });

  it('a space the caller cannot view answers like a missing one, for list and save', async () => {
    for (const key of ['routing.rules.list', 'routing.rules.save'] as const) {
      const payload = (spaceId: string) => (key === 'routing.rules.save' ? { spaceId, rules: [legalRule] } : { spaceId });
      const hidden = await app.invoke(erin, key, payload(DOCS));
      const missing = await app.invoke(erin, key, payload(MISSING_SPACE));
      expect(hidden).toMatchObject({ success: false, code: 'SPACE_NOT_FOUND' });
      expect(hidden).toEqual(missing);
    }
    expect(await app.invoke(alice, 'routing.rules.list', { spaceId: DOCS })).toMatchObject({ rules: [], version: 0 });
  });
});

describe('routing.explain', () => {
  it('a viewer of the page gets the verdicts; a page the caller cannot see (space or restriction) answers like a missing one', async () => {
    await app.invoke(alice, 'routing.rules.save', { spaceId: DOCS, rules: [legalRule] });
    expect(await app.invoke(bob, 'routing.explain', { pageId: '3001' })).toMatchObject({ success: true, pageId: '3001', spaceId: DOCS, complete: true, rules: [{ verdict: 'no_match' }] });

    const missing = await app.invoke(erin, 'routing.explain', { pageId: MISSING_PAGE });
    expect(missing).toMatchObject({ success: false, code: 'PAGE_NOT_FOUND' });
    expect(await app.invoke(erin, 'routing.explain', { pageId: '3001' })).toEqual(missing);
    // the salary page is restricted to alice and bob: carol sees ENG but not this page
    expect(await app.invoke(carol, 'routing.explain', { pageId: SEED_IDS.restrictedPage })).toEqual(await app.invoke(carol, 'routing.explain', { pageId: MISSING_PAGE }));
  });
});

describe('workflow.export / workflow.import.preview / workflow.import (document)', () => {
  it('a reader exports; only a space admin previews and imports; the import is disabled and owned by the importer', async () => {
    const exported = await app.invoke(bob, 'workflow.export', { workflowId: 'wf-docs-quick' });
    expect(exported).toMatchObject({ success: true, document: { format: 'approvalflow.workflow/v1', sha256: expect.any(String) } });
    const document = exported.document;

    const before = await domainState();
    expect(await app.invoke(bob, 'workflow.import.preview', { spaceId: ENG, document })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect(await app.invoke(bob, 'workflow.import', { spaceId: ENG, document })).toMatchObject({ success: false, code: 'FORBIDDEN' });
    expect(await domainState()).toEqual(before);

    expect(await app.invoke(alice, 'workflow.import.preview', { spaceId: ENG, document })).toMatchObject({ success: true, sha256: document.sha256 });
    const imported = await app.invoke(alice, 'workflow.import', { spaceId: ENG, document });
    expect(imported).toMatchObject({ success: true, workflow: { spaceId: ENG, enabled: false, owners: [alice] } });
  });

  it('a workflow or space the caller cannot see answers like a missing one, writing nothing', async () => {
    const hiddenExport = await app.invoke(erin, 'workflow.export', { workflowId: 'wf-docs-quick' });
    expect(hiddenExport).toMatchObject({ success: false, code: 'WORKFLOW_NOT_FOUND' });
    expect(hiddenExport).toEqual(await app.invoke(erin, 'workflow.export', { workflowId: 'wf-missing' }));

    const document = (await app.invoke(bob, 'workflow.export', { workflowId: 'wf-docs-quick' })).document;
    const before = await domainState();
    for (const key of ['workflow.import.preview', 'workflow.import'] as const) {
      const hidden = await app.invoke(erin, key, { spaceId: DOCS, document });
      expect(hidden.success).toBe(false);
      expect(hidden).toEqual(await app.invoke(erin, key, { spaceId: MISSING_SPACE, document }));
    }
    expect(await domainState()).toEqual(before);
  });
});
