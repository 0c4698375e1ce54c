/**
 * Portable workflow documents (SPEC 2.1b): export from DOCS, import into ENG as a disabled workflow
 * with the same steps and settings, owned by the importer and audited with source and hash; a
 * tampered document is refused; principals are resolved (or mapped) before anything is written.
 */
import { ALICE, BOB, CAROL, DAVE, ENG, refusal, setup, ui } from './helpers';
import { checksumOf } from '../../src/core/services/workflows/document';

describe('workflow documents', () => {
  it('a workflow exported from DOCS imports into ENG disabled, with the same steps and settings, owned by the importer', async () => {
    const env = await setup();
    const source = await env.engine.workflows.update(ui(ALICE), 'wf-docs-legal', { reviewPeriodDays: 90, reminderWindowDays: 7, remindAfterDays: 2, allowSelfApproval: true });
    const document = await env.engine.workflows.exportDocument(ui(CAROL), 'wf-docs-legal', { cloudId: 'cloud-1' });
    expect(document).toMatchObject({ format: 'approvalflow.workflow/v1', name: 'Docs legal', exportedFrom: { cloudId: 'cloud-1', spaceKey: 'DOCS' } });
    // approvers are refs into one principals table
    // every step in its full form (short form and groups, SPEC 2.1a), each approver a ref wherever it appears
    expect(document.steps).toEqual([
      { name: 'Editorial', approvers: ['p1'], mode: 'any', groups: [{ key: 'approvers', name: 'Approvers', approvers: ['p1'], required: 1 }] },
      { name: 'Legal', approvers: ['p2', 'p3'], mode: 'all', groups: [{ key: 'approvers', name: 'Approvers', approvers: ['p2', 'p3'], required: 'all' }] },
    ]);
    expect(document.principals.map((p) => [p.ref, p.type, 'accountId' in p ? p.accountId : ''])).toEqual([['p1', 'user', CAROL], ['p2', 'user', ALICE], ['p3', 'user', DAVE]]);
    expect(document.settings).toEqual({ allowSelfApproval: true, reviewPeriodDays: 90, reminderWindowDays: 7, remindAfterDays: 2 });
    expect(document.sha256).toBe(checksumOf(document));

    const preview = await env.engine.workflows.previewImport(ui(ALICE), ENG, document);
    expect(preview.principals.map((p) => p.status)).toEqual(['resolved', 'resolved', 'resolved']);
    const before = (await env.auditRecords()).length;
    const imported = await env.engine.workflows.importDocument(ui(ALICE), ENG, JSON.parse(JSON.stringify(document)));
    expect(imported).toMatchObject({ spaceId: ENG, enabled: false, owners: [ALICE], name: 'Docs legal', steps: source.steps, allowSelfApproval: true, reviewPeriodDays: 90, reminderWindowDays: 7, remindAfterDays: 2, version: 1 });
    const added = (await env.auditRecords()).slice(before);
    expect(added.map((r) => r.action)).toEqual(['workflow.imported']);
    expect(added[0]).toMatchObject({ actor: ALICE, spaceId: ENG, workflowId: imported.id, details: { source: 'document', sha256: document.sha256, sourceCloudId: 'cloud-1', sourceSpaceKey: 'DOCS' } });
    // a second import of the same document gets a distinct name
    expect((await env.engine.workflows.importDocument(ui(ALICE), ENG, document)).name).toBe('Docs legal (imported)');
  });

  it('refuses a tampered document (IMPORT_CHECKSUM_MISMATCH), a malformed one (IMPORT_SCHEMA_INVALID with JSON pointers), and unknown principals (UNKNOWN_APPROVER), writing nothing', async () => {
    const env = await setup({ extraUsers: ['acc-zed'] });
    const document = await env.engine.workflows.exportDocument(ui(ALICE), 'wf-docs-legal');
    const before = (await env.auditRecords()).length;
    const tampered = { ...document, settings: { ...document.settings, allowSelfApproval: true } };
    expect(await refusal(env.engine.workflows.importDocument(ui(ALICE), ENG, tampered))).toMatchObject({ status: 400, code: 'IMPORT_CHECKSUM_MISMATCH' });
    const wrongFormat = await refusal(env.engine.workflows.importDocument(ui(ALICE), ENG, { ...document, format: 'other/v9', extra: 1 }));
    expect(wrongFormat.code).toBe('IMPORT_SCHEMA_INVALID');
    try {
      await env.engine.workflows.importDocument(ui(ALICE), ENG, { ...document, format: 'other/v9', extra: 1 });
    } catch (err) {
      expect((err as { details: { field: string }[] }).details.map((d) => d.field).sort()).toEqual(['/', '/format'].sort());
    }
    // SPEC 2.1: a reminder window only with a review period, the same rule as create and update
    const windowOnly = { ...document, settings: { ...document.settings, reviewPeriodDays: null, reminderWindowDays: 30 } };
    expect(await refusal(env.engine.workflows.importDocument(ui(ALICE), ENG, { ...windowOnly, sha256: checksumOf(windowOnly) }))).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      details: [{ field: 'reminderWindowDays' }],
    });
    const badSetting = { ...document, settings: { ...document.settings, reviewPeriodDays: 17, colour: 'red' } };
    const resigned = { ...badSetting, sha256: checksumOf(badSetting) };
    try {
      await env.engine.workflows.importDocument(ui(ALICE), ENG, resigned);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toMatchObject({ code: 'IMPORT_SCHEMA_INVALID' });
      expect((err as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(['/settings/reviewPeriodDays']);
    }
    const stranger = { ...document, principals: document.principals.map((p) => (p.ref === 'p1' ? { ref: 'p1', type: 'user' as const, accountId: 'acc-gone' } : p)) };
    const unknown = { ...stranger, sha256: checksumOf(stranger) };
    expect(await refusal(env.engine.workflows.importDocument(ui(ALICE), ENG, unknown))).toMatchObject({ code: 'UNKNOWN_APPROVER' });
    expect((await env.engine.workflows.previewImport(ui(ALICE), ENG, unknown)).principals.find((p) => p.ref === 'p1')).toMatchObject({ status: 'unresolved', id: 'acc-gone' });
    // the importer maps the unknown principal to someone of this site
    expect((await env.engine.workflows.previewImport(ui(ALICE), ENG, unknown, { p1: 'acc-zed' })).principals.find((p) => p.ref === 'p1')).toMatchObject({ status: 'resolved', id: 'acc-zed' });
    expect((await env.auditRecords()).slice(before).filter((r) => r.action !== 'access.denied')).toEqual([]);
    const mapped = await env.engine.workflows.importDocument(ui(ALICE), ENG, unknown, { p1: 'acc-zed' });
    expect(mapped.steps[0]).toMatchObject({ approvers: ['acc-zed'] });
    // mapping two principals of one step to the same person breaks the step's rules like any other way in would
    const twice = await refusal(env.engine.workflows.importDocument(ui(ALICE), ENG, unknown, { p1: 'acc-zed', p3: ALICE }));
    // the exported step has both forms (SPEC 2.1a: reads return groups), so both name the duplicate
    expect(twice).toMatchObject({
      status: 400,
      code: 'IMPORT_SCHEMA_INVALID',
      details: [
        { field: '/steps/1/approvers', reason: 'approvers must be unique' },
        { field: '/steps/1/groups/0/approvers', reason: 'approvers must be unique' },
      ],
    });
  });

  it('only space admins preview or import; readers of the workflow may export; invisible workflows answer like missing ones', async () => {
    const env = await setup();
    const document = await env.engine.workflows.exportDocument(ui(BOB), 'wf-docs-quick');
    expect(await refusal(env.engine.workflows.importDocument(ui(BOB), ENG, document))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(env.engine.workflows.previewImport(ui(BOB), ENG, document))).toMatchObject({ code: 'FORBIDDEN' });
    const hidden = await refusal(env.engine.workflows.exportDocument(ui('acc-erin'), 'wf-docs-quick'));
    expect(hidden).toEqual(await refusal(env.engine.workflows.exportDocument(ui('acc-erin'), 'wf-missing')));
    expect(hidden.code).toBe('WORKFLOW_NOT_FOUND');
  });
});
