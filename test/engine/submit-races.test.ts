/**
 * What a submission's transaction is conditioned on (issue 23 item 4): a change that commits between
 * the submission's reads and its commit must fail the commit, so the submission re-reads and decides
 * again. Each race is forced: the store runs the other change just before the submission's
 * transaction reaches it.
 */
import { StoreDecorator } from '../../src/adapters/store/store-decorator';
import { APPROVAL_ENTITY } from '../../src/core/ports/entities';
import type { StoredItem, TxOp } from '../../src/core/ports/store';
import { keys } from '../../src/core/services/keys';
import { createContext } from '../../src/core/services/context';
import { clearAssignment } from '../../src/core/lifecycle/manage-space';
import { SUBMIT_LEASE_MS } from '../../src/core/services/changesets/submit-lease';
import { ALICE, BOB, DOCS, ENG, api, setup, submitAtomicSet, ui } from './helpers';
import type { TestEnv } from './helpers';

/** Runs `meanwhile` once, right before the first transaction that writes an approval of `pageId`. */
class BeforeSubmitOf extends StoreDecorator {
  meanwhile?: () => Promise<unknown>;
  pageId = '';
  /** runs before every transaction */
  before: (ops: TxOp[]) => Promise<void> = () => Promise.resolve();
  override async transact(ops: TxOp[]): Promise<void> {
    await this.before(ops);
    const run = this.meanwhile;
    if (run && ops.some((op) => op.op === 'put' && op.entity === APPROVAL_ENTITY && (op.value as { page?: string }).page === this.pageId)) {
      this.meanwhile = undefined;
      await run();
    }
    return this.inner.transact(ops);
  }
}

/**
 * A batched read that is not one snapshot (docs/forge-platform.md U26): the first read naming `epochKey`
 * returns its other items as they were before `meanwhile` ran and the epoch as it is after.
 */
class TornRead extends StoreDecorator {
  meanwhile?: () => Promise<unknown>;
  epochKey = '';
  override async getMany<T = unknown>(storeKeys: string[]): Promise<StoredItem<T>[]> {
    const run = this.meanwhile;
    if (!run || !storeKeys.includes(this.epochKey)) return this.inner.getMany<T>(storeKeys);
    this.meanwhile = undefined;
    const before = await this.inner.getMany<T>(storeKeys);
    await run();
    const epoch = await this.inner.get<T>(this.epochKey);
    return [...before.filter((item) => item.key !== this.epochKey), ...(epoch ? [epoch] : [])];
  }
}

async function racing(): Promise<{ env: TestEnv; race: BeforeSubmitOf }> {
  let race!: BeforeSubmitOf;
  const env = await setup({ wrap: (store) => (race = new BeforeSubmitOf(store)) });
  return { env, race };
}

describe('an admin changes the assignment while a submission is planned on it', () => {
  it('change-set submit: the batch fails on the space submit epoch and submits under the new assignment', async () => {
    const { env, race } = await racing();
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: DOCS, title: 'race', pageRefs: [{ pageId: '3001' }, { pageId: '3002' }] });
    await env.engine.workflows.assign(ui(ALICE), '3002', 'wf-docs-quick');
    Object.assign(race, { pageId: '3001', meanwhile: () => env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal') });
    const result = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(race.meanwhile).toBeUndefined();
    expect(result.results.map((r) => [r.pageId, r.workflowId])).toEqual([
      ['3001', 'wf-docs-legal'],
      ['3002', 'wf-docs-quick'],
    ]);
  });

  it('page submit: the same epoch check refuses the stale plan; the retry resolves the new assignment', async () => {
    const { env, race } = await racing();
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    Object.assign(race, { pageId: '3001', meanwhile: () => env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal') });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001');
    expect(race.meanwhile).toBeUndefined();
    expect(approval.workflowId).toBe('wf-docs-legal');
  });

  it('a clear from the space page (page assigned, never submitted): the stale plan fails on the epoch and the retry finds no assignment', async () => {
    const { env, race } = await racing();
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    const ctx = createContext(env.deps, () => undefined);
    Object.assign(race, { pageId: '3001', meanwhile: () => clearAssignment.execute(ctx, ui(ALICE), '3001') });
    const outcome = await env.engine.approvals.submitPage(ui(BOB), '3001').then((a) => a.workflowId, (error: { code?: string }) => error.code);
    expect(race.meanwhile).toBeUndefined();
    expect(outcome).toBe('NO_WORKFLOW');
  });

  it('every assignment change moves the epoch, a clear included', async () => {
    const { env } = await racing();
    const epoch = async () => (await env.store.get(keys.submitEpoch(DOCS)))?.version ?? 0;
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    expect(await epoch()).toBe(1);
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal');
    await env.engine.workflows.assign(ui(ALICE), '3001', null);
    expect(await epoch()).toBe(3);
    // no change, no bump
    await env.engine.workflows.assign(ui(ALICE), '3001', null);
    expect(await epoch()).toBe(3);
  });
});

describe('an atomic change set pins a page while a per-page change set submits it', () => {
  it('a whole atomic submit between the reads and the commit: the batch fails on the epoch and skips the page now pending in the set', async () => {
    const { env, race } = await racing();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'per page', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    let setApprovalId = '';
    Object.assign(race, { pageId: '2001', meanwhile: async () => (setApprovalId = await submitAtomicSet(env, ['2001'])) });
    const result = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(race.meanwhile).toBeUndefined();
    expect(result.results.map((r) => [r.pageId, r.success, r.code])).toEqual([
      ['2001', false, 'PENDING_APPROVAL'],
      ['2002', true, undefined],
    ]);
    // the page is pending through the set only
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).approvedVia).toEqual({ changeSetId: expect.any(String), setApprovalId });
  });

  it('a pin landing after the batch read the moved epoch: the batch checks the page pointer and fails on it (the page state alone would not catch it)', async () => {
    let pinned!: () => void;
    const pinWaits = new Promise<void>((resolve) => (pinned = resolve));
    let releasePin!: () => void;
    const pinReleased = new Promise<void>((resolve) => (releasePin = resolve));
    const { env, race } = await racing();
    // the atomic submit's step 1 has moved the epoch on; its pin of 2001 waits until the batch is about to commit
    race.before = async (ops) => {
      if (!ops.some((op) => op.op === 'put' && op.key === keys.setMember('2001'))) return;
      pinned();
      await pinReleased;
    };
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'per page', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    const atomic = submitAtomicSet(env, ['2001']);
    await pinWaits;
    Object.assign(race, { pageId: '2001', meanwhile: async () => { releasePin(); await atomic; } });
    const result = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(race.meanwhile).toBeUndefined();
    expect(result.results.map((r) => [r.pageId, r.success, r.code])).toEqual([
      ['2001', false, 'PENDING_APPROVAL'],
      ['2002', true, undefined],
    ]);
    expect((await env.engine.approvals.pageStatus(ui(BOB), '2001')).approvedVia).toEqual({ changeSetId: expect.any(String), setApprovalId: await atomic });
  });

  it('a full batch re-planned inside the pin window needs a pointer check per page: it is cut again and every page is submitted', async () => {
    const { env, race } = await racing();
    const pageIds = ['2001', '2002', '2003', '2004', '2005', '2006', '2007'];
    // a long title (in every page's audit record) makes 4 pages overflow one write unit, so the cut takes all 7 in 2 (fewest units per page)
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'full batch '.padEnd(255, '-'), pageRefs: pageIds.map((pageId) => ({ pageId })) });
    const sizes: number[] = [];
    const ofSet = (op: TxOp) => op.op === 'put' && op.entity === APPROVAL_ENTITY && pageIds.includes((op.value as { page?: string }).page ?? '');
    race.before = (ops) => Promise.resolve(void (ops.some(ofSet) && sizes.push(ops.filter(ofSet).length)));
    Object.assign(race, { pageId: '2001', meanwhile: () => submitAtomicSet(env, ['2008']) });
    const result = await env.engine.changeSets.submit(api(BOB), cs.id);
    expect(race.meanwhile).toBeUndefined();
    expect(result.results.map((r) => [r.pageId, r.success])).toEqual(pageIds.map((id) => [id, true]));
    // the first attempt was one transaction of the whole batch; the re-plan did not fit one and went in parts
    expect(sizes[0]).toBe(7);
    expect(sizes.length).toBeGreaterThan(2);
    expect(sizes.slice(1).reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('no atomic submit in flight: a submission checks no page pointer; while one may still pin in the space, it does', async () => {
    const { env, race } = await racing();
    const pointerChecks: string[] = [];
    race.before = (ops) => Promise.resolve(void pointerChecks.push(...ops.filter((op) => op.op === 'check' && op.key.startsWith('set-member:')).map((op) => op.key)));
    await env.engine.approvals.submitPage(ui(BOB), '2001');
    expect(pointerChecks).toEqual([]);
    await submitAtomicSet(env, ['2002']);
    await env.engine.approvals.submitPage(ui(BOB), '2003');
    expect(pointerChecks).toEqual([keys.setMember('2003')]);
    // the pins' deadline and the clock margin past: no pin of that submit can land any more
    env.tick(2 * SUBMIT_LEASE_MS + 1);
    await env.engine.approvals.submitPage(ui(BOB), '2004');
    expect(pointerChecks).toEqual([keys.setMember('2003')]);
  });
});

describe('a space admin deletes the workflow while a submission is planned on it', () => {
  it('the delete moves the epoch on when it closes the workflow: the stale submission fails on it and is refused, never pending under no workflow', async () => {
    const { env, race } = await racing();
    const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'race', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] });
    Object.assign(race, { pageId: '2001', meanwhile: () => env.engine.workflows.remove(ui(ALICE), 'wf-eng-review') });
    await expect(env.engine.changeSets.submit(api(BOB), cs.id)).rejects.toMatchObject({ code: 'NO_WORKFLOW' });
    expect(race.meanwhile).toBeUndefined();
    expect(await env.store.get(keys.pageState('2001'))).toBeUndefined();
    expect(await env.store.get(keys.pageState('2002'))).toBeUndefined();
  });

  it('page submit: the same', async () => {
    const { env, race } = await racing();
    Object.assign(race, { pageId: '2001', meanwhile: () => env.engine.workflows.remove(ui(ALICE), 'wf-eng-review') });
    await expect(env.engine.approvals.submitPage(ui(BOB), '2001')).rejects.toMatchObject({ code: 'NO_WORKFLOW' });
    expect(await env.store.get(keys.pageState('2001'))).toBeUndefined();
  });
});

describe('a batched read torn by an assignment change (the new epoch with the old assignment)', () => {
  it('the epoch moved a moment ago, so the submission reads again and submits under the new assignment', async () => {
    let torn!: TornRead;
    const env = await setup({ wrap: (store) => (torn = new TornRead(store)) });
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    Object.assign(torn, { epochKey: keys.submitEpoch(DOCS), meanwhile: () => env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-legal') });
    const approval = await env.engine.approvals.submitPage(ui(BOB), '3001');
    expect(torn.meanwhile).toBeUndefined();
    expect(approval.workflowId).toBe('wf-docs-legal');
  });

  it('a read-only answer (preflight) right after an assignment change reads once: only a submission holds its epochs', async () => {
    let torn!: TornRead;
    const env = await setup({ wrap: (store) => (torn = new TornRead(store)) });
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    const reads: string[][] = [];
    const getMany = torn.getMany.bind(torn);
    torn.getMany = (storeKeys) => (storeKeys.includes(keys.submitEpoch(DOCS)) && reads.push(storeKeys), getMany(storeKeys));
    await env.engine.approvals.preflightPage(ui(BOB), '3001');
    expect(reads).toHaveLength(1);
    await env.engine.approvals.submitPage(ui(BOB), '3001');
    expect(reads).toHaveLength(3);
  });

  it('an epoch that moved long ago costs no second read', async () => {
    let torn!: TornRead;
    const env = await setup({ wrap: (store) => (torn = new TornRead(store)) });
    await env.engine.workflows.assign(ui(ALICE), '3001', 'wf-docs-quick');
    env.tick(120_000);
    const reads: string[][] = [];
    const getMany = torn.getMany.bind(torn);
    torn.getMany = (storeKeys) => (storeKeys.includes(keys.submitEpoch(DOCS)) && reads.push(storeKeys), getMany(storeKeys));
    await env.engine.approvals.submitPage(ui(BOB), '3001');
    expect(reads).toHaveLength(1);
  });
});
