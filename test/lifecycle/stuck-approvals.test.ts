/**
 * The daily job's stuck-approval scan (SPEC 2.8, 2.1a): a pending approval whose active step nobody
 * eligible can complete any more gets ONE comment to the space admins per stuck state, an audit
 * record, and a flag manage space shows; re-runs post nothing twice; refilling the group clears the flag.
 */
import { CountingStore } from '../../src/adapters/store/counting-store';
import { EventualIndexStore } from '../../src/adapters/store/eventual-index-store';
import { runDailyJob } from '../../src/core/lifecycle/daily-job';
import type { ConfluenceSite } from '../../src/core/ports/confluence';
import { spaceTree } from '../../src/core/lifecycle/manage-space';
import { ALICE, BOB, CAROL, DAVE, ENG, ui } from '../engine/helpers';
import { lifecycleSetup } from './support';
import type { LifecycleEnv } from './support';

/** The site with a space tree of one page. */
const oneLevel = (site: ConfluenceSite): ConfluenceSite =>
  Object.assign(Object.create(site) as ConfluenceSite, { listChildren: () => Promise.resolve({ items: [{ id: '2001', type: 'page' as const, title: 'x' }] }) });

async function stuckScenario(options: Parameters<typeof lifecycleSetup>[0] = {}): Promise<{ env: LifecycleEnv; approvalId: string; setMembers: (m: string[]) => void }> {
  const env = await lifecycleSetup(options);
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ name: 'Engineering', groups: [{ key: 'eng', name: 'Eng reviewers', approvers: ['group:grp-eng-reviewers'], required: 2 }] }] });
  const approval = await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review');
  await env.engine.approvals.decide(ui(CAROL), approval.id, 'approve');
  const group = env.site.groups.find((g) => g.id === 'grp-eng-reviewers');
  if (!group) throw new Error('seed group missing');
  const original = [...group.members];
  expect(original).toEqual(expect.arrayContaining([CAROL, DAVE]));
  return { env, approvalId: approval.id, setMembers: (m) => (group.members = m.length > 0 ? m : original) };
}

const stuckComments = (env: LifecycleEnv): string[] => env.comments('2001').map((c) => c.body).filter((b) => b.includes('Approval stuck'));

describe('stuck approvals in the daily job', () => {
  test('a reachable pending approval is neither flagged nor commented', async () => {
    const { env } = await stuckScenario();
    expect((await env.run()).stuckFlagged).toBeUndefined();
    expect(stuckComments(env)).toEqual([]);
    expect(await env.store.get('lc-stuck-cursor')).toBeUndefined();
  });

  test('an emptied group: one comment to the space admins, one audit record, manage space shows the flag; a re-run posts nothing', async () => {
    const { env, approvalId, setMembers } = await stuckScenario();
    setMembers([CAROL]);
    expect((await env.run()).stuckFlagged).toBe(1);
    const [body] = stuckComments(env);
    expect(stuckComments(env)).toHaveLength(1);
    const admins = await env.ctx.confluence.spaceAdmins(ENG);
    expect(admins.length).toBeGreaterThan(0);
    for (const admin of admins) expect(body).toContain(admin);
    expect(body).toContain('Eng reviewers needs 2');

    const row = (await spaceTree.execute({ ...env.ctx, confluence: oneLevel(env.ctx.confluence) }, ui(ALICE), { spaceId: ENG })).items[0];
    expect(row?.approval?.stuck).toMatchObject({ step: 1, groups: ['eng'] });

    expect((await env.run()).stuckFlagged).toBeUndefined();
    env.advanceDays(1);
    await env.run();
    expect(stuckComments(env)).toHaveLength(1);
    const records = (await env.auditRecords()).filter((r) => r.action === 'approval.stuck');
    expect(records.map((r) => r.approvalId)).toEqual([approvalId]);
  });

  test('refilling the group clears the flag without a comment; the same stuck state again is flagged but not announced twice', async () => {
    const { env, setMembers } = await stuckScenario();
    setMembers([CAROL]);
    await env.run();
    setMembers([]);
    await env.run();
    const tree = async () => (await spaceTree.execute({ ...env.ctx, confluence: oneLevel(env.ctx.confluence) }, ui(ALICE), { spaceId: ENG })).items[0]?.approval?.stuck;
    expect(await tree()).toBeUndefined();
    setMembers([CAROL]);
    await env.run();
    expect(await tree()).toMatchObject({ groups: ['eng'] });
    expect(stuckComments(env)).toHaveLength(1);
  });

  test('a quiet day with a reachable pending approval writes nothing', async () => {
    let counting: CountingStore | undefined;
    const { env } = await stuckScenario({ wrap: (s) => (counting = new CountingStore(s)) });
    counting!.reset();
    await env.run();
    expect(counting!.counts.transact).toBe(0);
  });

  test('a post that fails after the commit is posted once by the next run (outbox), never twice', async () => {
    const { env, setMembers } = await stuckScenario();
    setMembers([CAROL]);
    const failing: ConfluenceSite = Object.create(env.ctx.confluence) as ConfluenceSite;
    failing.createPageComment = () => Promise.reject(new Error('Confluence is unwell'));
    const first = await runDailyJob.execute({ ...env.ctx, confluence: failing }, { deadline: env.deps.clock.now() + 60_000 });
    expect(first.stuckFlagged).toBe(1);
    expect(stuckComments(env)).toHaveLength(0);
    await env.run();
    await env.run();
    expect(stuckComments(env)).toHaveLength(1);
  });

  test('a scan cut by its deadline leaves a cursor; the next run resumes there, flags and clears it', async () => {
    const { env, setMembers } = await stuckScenario();
    setMembers([CAROL]);
    const cut = await runDailyJob.execute(env.ctx, { deadline: env.deps.clock.now() });
    expect(cut).toMatchObject({ more: true });
    expect(cut.stuckFlagged).toBeUndefined();
    expect((await env.store.get('lc-stuck-cursor'))?.value).toEqual({ spaceId: ENG });
    expect(await env.run()).toMatchObject({ stuckFlagged: 1, more: false });
    expect(await env.store.get('lc-stuck-cursor')).toBeUndefined();
    expect(stuckComments(env)).toHaveLength(1);
  });

  test('an unwell Confluence stops the scan without failing the run; the next run flags the approval', async () => {
    const { env, setMembers } = await stuckScenario();
    setMembers([CAROL]);
    const failing: ConfluenceSite = Object.create(env.ctx.confluence) as ConfluenceSite;
    failing.groupMembersCapped = () => Promise.reject(new Error('Confluence is unwell'));
    expect(await runDailyJob.execute({ ...env.ctx, confluence: failing }, { deadline: env.deps.clock.now() + 60_000 })).toMatchObject({ more: true });
    expect(stuckComments(env)).toHaveLength(0);
    expect((await env.run()).stuckFlagged).toBe(1);
  });
});

describe('stuck approvals while index queries lag (docs/forge-platform.md U22)', () => {
  test('an approval cancelled a moment ago, still listed pending by the index, is not announced stuck', async () => {
    let lagging!: EventualIndexStore;
    const { env, approvalId, setMembers } = await stuckScenario({ wrap: (store) => (lagging = new EventualIndexStore(store)) });
    setMembers([CAROL]);
    lagging.settle();
    await env.engine.approvals.cancel(ui(BOB), approvalId);
    expect((await env.run()).stuckFlagged).toBeUndefined();
    expect(stuckComments(env)).toEqual([]);
    expect((await env.auditRecords()).filter((r) => r.action === 'approval.stuck')).toEqual([]);
  });
});
