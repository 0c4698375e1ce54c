/**
 * Racing writers on SqliteStore (SPEC 2.3 optimistic concurrency, issue 7 item 8): 50 parallel
 * attempts on the same object give exactly the allowed outcome, lose no update, and leave exactly
 * one audit record per applied change; the audit chain still verifies.
 */
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import { DomainError } from '../../src/core/domain/errors';
import { ALICE, BOB, CAROL, ENG, api, setup, ui } from './helpers';
import type { TestEnv } from './helpers';

let stores: SqliteStore[] = [];
afterEach(() => {
  for (const s of stores) s.close();
  stores = [];
});

const approvers50 = Array.from({ length: 50 }, (_, i) => `acc-reviewer-${i}`);

async function sqliteEnv(): Promise<TestEnv> {
  const store = new SqliteStore({ memory: true });
  stores.push(store);
  const env = await setup({ store, extraUsers: approvers50 });
  // approvers view the pages they decide (an approval on a page one cannot view answers as missing, audit A#5)
  const eng = env.site.getSpace(ENG)!;
  for (const id of approvers50) eng.permissions.push({ id: `sp-${id}`, principal: { type: 'user', id }, operation: { key: 'read', targetType: 'space' } });
  return env;
}

async function settle<T>(tasks: Promise<T>[]): Promise<{ ok: T[]; codes: string[] }> {
  const results = await Promise.allSettled(tasks);
  const ok: T[] = [];
  const codes: string[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') ok.push(r.value);
    else if (r.reason instanceof DomainError) codes.push(r.reason.code);
    else throw r.reason;
  }
  return { ok, codes };
}

test('50 parallel submits of one page: exactly one pending approval and one audit record', async () => {
  const env = await sqliteEnv();
  const { ok, codes } = await settle(Array.from({ length: 50 }, () => env.engine.approvals.submitPage(api(BOB), '2001')));
  expect(ok).toHaveLength(1);
  expect(new Set(codes)).toEqual(new Set(['PENDING_APPROVAL']));
  expect((await env.engine.approvals.history(ui(BOB), '2001')).map((a) => a.id)).toEqual([ok[0].id]);
  expect((await env.auditRecords()).filter((r) => r.action === 'approval.submitted')).toHaveLength(1);
  expect((await env.audit.verify()).ok).toBe(true);
});

/** What a client does with a 409 CONCURRENT_MODIFICATION: try again (bounded). */
async function retryingClient<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'CONCURRENT_MODIFICATION' || attempt >= 20) throw err;
    }
  }
}

test('50 parallel approvals of an all-mode step: every one applies exactly once (no lost update)', async () => {
  const env = await sqliteEnv();
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: approvers50, mode: 'all' }] });
  const a = await env.engine.approvals.submitPage(ui(BOB), '2002');
  // Under heavy contention the engine may answer "retry" (never having applied the decision); clients retry.
  const { ok, codes } = await settle(approvers50.map((id) => retryingClient(() => env.engine.approvals.decide(ui(id), a.id, 'approve'))));
  expect(codes).toEqual([]);
  expect(ok).toHaveLength(50);
  const final = (await env.engine.approvals.history(ui(BOB), '2002'))[0];
  expect(final.decisions).toHaveLength(50);
  expect(new Set(final.decisions.map((d) => d.accountId))).toEqual(new Set(approvers50));
  expect(final.status).toBe('approved');
  expect((await env.auditRecords()).filter((r) => r.action === 'approval.approved' && r.approvalId === a.id)).toHaveLength(50);
  expect((await env.audit.verify()).ok).toBe(true);
});

test('50 racing decisions on an any-mode step: exactly one applies, the rest fail cleanly', async () => {
  const env = await sqliteEnv();
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: approvers50, mode: 'any' }] });
  const a = await env.engine.approvals.submitPage(ui(BOB), '2003');
  const { ok, codes } = await settle(
    approvers50.map((id, i) => (i % 2 === 0 ? env.engine.approvals.decide(ui(id), a.id, 'approve') : env.engine.approvals.decide(ui(id), a.id, 'reject', 'Rejected in a race, sorry about that'))),
  );
  expect(ok).toHaveLength(1);
  expect(codes.every((c) => c === 'APPROVAL_NOT_PENDING' || c === 'CONCURRENT_MODIFICATION')).toBe(true);
  const final = (await env.engine.approvals.history(ui(BOB), '2003'))[0];
  expect(final.decisions).toHaveLength(1);
  expect(final.status).toBe(ok[0].status);
  const decisionRecords = (await env.auditRecords()).filter((r) => r.approvalId === a.id && (r.action === 'approval.approved' || r.action === 'approval.rejected'));
  expect(decisionRecords).toHaveLength(1);
});

test('50 parallel change-set updates with the same expectedVersion: one wins, 49 VERSION_CONFLICT', async () => {
  const env = await sqliteEnv();
  const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'race', pageRefs: [{ pageId: '2001' }] });
  const { ok, codes } = await settle(Array.from({ length: 50 }, (_, i) => env.engine.changeSets.update(api(BOB), cs.id, { title: `t${i}`, expectedVersion: 1 })));
  expect(ok).toHaveLength(1);
  expect(codes.filter((c) => c === 'VERSION_CONFLICT')).toHaveLength(49);
  const now = await env.engine.changeSets.get(api(BOB), cs.id);
  expect(now).toMatchObject({ version: 2, title: ok[0].title });
  expect((await env.auditRecords()).filter((r) => r.action === 'changeset.updated')).toHaveLength(1);
});

test('concurrent submit and archive of one change set: never archived with a page pending through it', async () => {
  for (let round = 0; round < 5; round++) {
    const env = await sqliteEnv();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'race', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    await settle<unknown>([env.engine.changeSets.submit(api(BOB), cs.id), env.engine.changeSets.archive(api(BOB), cs.id), env.engine.changeSets.archive(api(CAROL), cs.id)]);
    const view = await env.engine.changeSets.get(api(BOB), cs.id);
    if (view.status === 'archived') expect(view.pages.some((p) => p.approvalStatus === 'in_approval')).toBe(false);
  }
});
