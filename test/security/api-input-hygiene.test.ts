/**
 * Issue 10.6 / SPEC §9, findings: "20-digit page ids and non-numeric space ids in some resolvers
 * answer 500" and "Titles, summaries and comments accept NUL, control characters and bidi
 * overrides." Every edge (REST and resolvers, payload and extension context) refuses them with
 * 400 INVALID_REQUEST naming the field, and changes nothing.
 */
import { call } from '../api/helpers';
import { createRealApi } from '../api/real-app';
import { createResolverApp } from './resolver-app';

const BAD_IDS = ['12345678901234567890', '9223372036854775808', '99999999999999999999', 'ENG', '0', '02001', '-1', '2001 ', '1e3', ''];
const BAD_TEXT: Array<[string, string]> = [
  ['NUL', 'Release\u0000notes'],
  ['escape', 'Release \u001b[31mnotes'],
  ['carriage return', 'line\rline'],
  ['RLO override', 'Invoice \u202Efdp.exe'],
  ['LRE embedding', 'a\u202Ab'],
  ['isolate', 'a\u2067b\u2069'],
  ['lone high surrogate', 'a\uD800b'],
  ['lone low surrogate', 'a\uDC00b'],
];

describe('REST', () => {
  it.each(BAD_IDS)('page and space id %j → 400 naming the field', async (bad) => {
    const app = await createRealApi();
    const status = await call(app.handlers, 'page-status', { query: { pageId: bad } });
    expect([status.status, status.json.code, status.json.details?.[0]?.field]).toEqual([400, 'INVALID_REQUEST', 'pageId']);
    const list = await call(app.handlers, 'changesets-list', { query: { spaceId: bad } });
    expect([list.status, list.json.details?.[0]?.field]).toEqual([400, 'spaceId']);
    const create = await call(app.handlers, 'changeset-create', { body: { spaceId: '1001', title: 't', pageRefs: [{ pageId: bad }] } });
    expect([create.status, create.json.details?.[0]?.field]).toEqual([400, 'pageRefs[0].pageId']);
  });

  it('the largest int64 id is a well-formed id (answered 404, not 400 or 500)', async () => {
    const app = await createRealApi();
    const res = await call(app.handlers, 'page-status', { query: { pageId: '9223372036854775807' } });
    expect([res.status, res.json.code]).toEqual([404, 'PAGE_NOT_FOUND']);
  });

  it.each(BAD_TEXT)('text with %s → 400 naming the field, nothing stored', async (_what, text) => {
    const app = await createRealApi();
    const before = await app.store.stateSnapshot();
    for (const field of ['title', 'summary'] as const) {
      const body = { spaceId: '1001', title: 'ok', pageRefs: [{ pageId: '2001' }], [field]: text };
      const res = await call(app.handlers, 'changeset-create', { body });
      expect([res.status, res.json.code, res.json.details?.[0]?.field]).toEqual([400, 'INVALID_REQUEST', field]);
    }
    expect(await app.store.stateSnapshot()).toEqual(before);
  });

  it('tab and newline stay allowed', async () => {
    const app = await createRealApi();
    const res = await call(app.handlers, 'changeset-create', { body: { spaceId: '1001', title: 'PR\t42', summary: 'line 1\nline 2', pageRefs: [{ pageId: '2001' }] } });
    expect(res.status).toBe(201);
  });
});

describe('resolvers', () => {
  it.each(BAD_IDS.filter((b) => b !== ''))('id %j in a payload or in the extension context → INVALID_REQUEST naming the field, never INTERNAL_ERROR', async (bad) => {
    const app = await createResolverApp();
    expect(await app.invoke('acc-bob', 'page.status', { pageId: bad })).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'pageId' })] });
    expect(await app.invoke('acc-bob', 'page.overview', {}, { pageId: bad })).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'pageId' })] });
    expect(await app.invoke('acc-bob', 'workflow.list', {}, { spaceId: bad })).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'spaceId' })] });
    expect(await app.invoke('acc-alice', 'audit.list', { spaceId: bad })).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'spaceId' })] });
    expect(await app.invoke('acc-alice', 'approval.reset', { pageId: bad })).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });

  it.each(BAD_TEXT)('text with %s → INVALID_REQUEST naming the field (comment, workflow name, change-set title)', async (_what, text) => {
    const app = await createResolverApp();
    const submitted = await app.invoke('acc-bob', 'page.submit', { pageId: '2001' });
    const decide = await app.invoke('acc-carol', 'approval.decide', { approvalId: submitted.approval.id, decision: 'reject', comment: `Needs work before release: ${text}` });
    expect(decide).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'comment' })] });
    const workflow = await app.invoke('acc-alice', 'workflow.create', { name: text, steps: [{ approvers: ['acc-carol'], mode: 'any' }] }, { spaceId: '1001' });
    expect(workflow).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'name' })] });
    const cs = await app.invoke('acc-bob', 'changeSet.create', { title: text, pageRefs: [{ pageId: '2001' }] }, { spaceId: '1001' });
    expect(cs).toMatchObject({ success: false, code: 'INVALID_REQUEST', details: [expect.objectContaining({ field: 'title' })] });
    expect((await app.invoke('acc-bob', 'page.status', { pageId: '2001' })).status.state).toBe('in_approval');
  });
});
