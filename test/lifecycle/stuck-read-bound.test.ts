/**
 * Issue 23 (branch s-stuck): a status read judges "stuck" on at most READ_STUCK_MEMBERS members of
 * the step's groups. A big group nobody can fill costs a few dozen Confluence calls (it was one page
 * read per member: 2,000+ calls, past Forge's invocation limits); the read then shows the daily
 * job's verdict, judged on every member, and manage space agrees. Small groups are judged whole.
 */
import { RestConfluenceSite } from '../../src/adapters/confluence/rest-confluence';
import { confluenceAccess } from '../../src/adapters/confluence/access';
import { CallGate } from '../../src/adapters/confluence/call-gate';
import { loadPlatformProfile, profileFromEnv } from '../../local/profile';
import type { PlatformProfile } from '../../src/adapters/platform-profile';
import { runDailyJob } from '../../src/core/lifecycle/daily-job';
import { spaceTree } from '../../src/core/lifecycle/manage-space';
import type { ConfluenceSite } from '../../src/core/ports/confluence';
import { READ_STUCK_MEMBERS } from '../../src/core/services/step-progress';
import { NAMED_PER_GROUP } from '../../src/core/domain/named-progress';
import { ALICE, BOB, CAROL, DAVE, ENG, ui } from '../engine/helpers';
import { lifecycleSetup } from './support';
import type { LifecycleEnv } from './support';

const GROUP = 'grp-eng-reviewers'; // Carol and Dave, then the crowd
const RESTRICTED = '2012'; // readable by Alice and Bob only: no member of the group can view it
const PAGE_READS = 'GET /wiki/api/v2/pages';
/** Besides one page read per member looked at: the caller's page read, one page of members, the accounts (users-bulk) of two windows. */
const READ_OVERHEAD = 4;

async function crowdEnv(size: number, siteProfile?: PlatformProfile): Promise<{ env: LifecycleEnv; approvalId: string }> {
  const crowd = Array.from({ length: size }, (_, i) => `acc-crowd-${i}`);
  const env = await lifecycleSetup({ extraUsers: crowd, ...(siteProfile ? { siteProfile } : {}) });
  env.site.getGroup(GROUP)!.members.push(...crowd);
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ groups: [{ key: 'crowd', name: 'Crowd', approvers: [`group:${GROUP}`], required: 2 }] }] });
  const approval = await env.engine.approvals.submitPage(ui(BOB), RESTRICTED, 'wf-eng-review');
  return { env, approvalId: approval.id };
}

/** Manage space's flag on the page (a tree level of that one page), read as Alice, who can view it. */
async function treeFlag(env: LifecycleEnv) {
  const asAlice = new RestConfluenceSite(env.site.transport(), confluenceAccess(profileFromEnv(), { actingAccountId: ALICE }, { via: 'resolver' }));
  const confluence = Object.assign(Object.create(asAlice) as ConfluenceSite, { listChildren: () => Promise.resolve({ items: [{ id: RESTRICTED, type: 'page' as const, title: 'x' }] }) });
  return (await spaceTree.execute({ ...env.ctx, confluence }, ui(ALICE), { spaceId: ENG })).items[0]?.approval?.stuck;
}

/**
 * One daily run as the scheduled trigger makes it: its own Confluence client whose gate has the
 * trigger's time (production reads it from Forge), not a request's 25 s of this machine's real time
 * (thousands of calls to the local site take seconds under load). `onView`: each view read also
 * passes there (the job's time can move with it).
 */
async function dailyRun(env: LifecycleEnv, budgetMs = 600_000, onView?: (pageIds: string[]) => void) {
  const client = new RestConfluenceSite(env.site.transport(), { impersonation: true, appUserIsConfluenceAdmin: false, gate: new CallGate({ remainingMs: () => 900_000 }) });
  const confluence = Object.create(client) as ConfluenceSite;
  confluence.pagesReadableBy = (user, pageIds) => {
    onView?.(pageIds);
    return client.pagesReadableBy(user, pageIds);
  };
  return runDailyJob.execute({ ...env.ctx, confluence }, { deadline: env.deps.clock.now() + budgetMs });
}

async function statusRead(env: LifecycleEnv) {
  env.site.resetCalls();
  const status = await env.engine.approvals.pageStatus(ui(BOB), RESTRICTED);
  return { stuck: status.pending?.stuck, calls: env.site.calls.total, pageReads: env.site.calls.byEndpoint[PAGE_READS] ?? 0 };
}

describe('a status read with a big group nobody can fill', () => {
  test('looks at no more than its bound of members and does not say stuck before the daily job judged it', async () => {
    const { env } = await crowdEnv(2_000);
    const read = await statusRead(env);
    expect(read.pageReads).toBe(READ_STUCK_MEMBERS + 1);
    expect(read.calls).toBeLessThanOrEqual(READ_STUCK_MEMBERS + READ_OVERHEAD);
    expect(read.stuck).toBeUndefined();
    expect(await treeFlag(env)).toBeUndefined();
  });

  test('answers under a cap of 99 Confluence calls per invocation (profile fetch-limit; it was 413)', async () => {
    const { env } = await crowdEnv(2_000, loadPlatformProfile('fetch-limit'));
    expect((await env.engine.approvals.pageStatus(ui(BOB), RESTRICTED)).pending).toMatchObject({ groups: [{ key: 'crowd', required: 2 }] });
  });

  test('after the daily job judged every member, the same read says stuck, as manage space does', async () => {
    const { env } = await crowdEnv(2_000);
    expect((await dailyRun(env)).stuckFlagged).toBe(1);
    const read = await statusRead(env);
    expect(read.calls).toBeLessThanOrEqual(READ_STUCK_MEMBERS + READ_OVERHEAD);
    const [crowd] = read.stuck ?? [];
    expect(crowd).toMatchObject({ group: 'crowd', required: 2, eligible: [] });
    // judged on all 2,002 members; the flag names the first 50 of them (NAMED_PER_GROUP)
    expect(crowd?.unavailable).toHaveLength(NAMED_PER_GROUP);
    expect(crowd?.unavailable?.every((u) => u.cause === 'cannot_view')).toBe(true);
    expect(await treeFlag(env)).toMatchObject({ step: 1, groups: ['crowd'] });
  });

  test('a group the read finds enough eligible members for is not stuck, whatever the last daily verdict', async () => {
    const { env } = await crowdEnv(2_000);
    await dailyRun(env);
    // Carol and Dave, first in the group, may view the page again: the flag stands until the next run
    env.site.getPage(RESTRICTED)!.restrictions.read.push({ type: 'user', id: CAROL }, { type: 'user', id: DAVE });
    expect((await statusRead(env)).stuck).toBeUndefined();
    await dailyRun(env);
    expect(await treeFlag(env)).toBeUndefined();
  });
});

test('a flag naming a group the read finds fillable again is not shown, though another group is still short', async () => {
  const legal = Array.from({ length: 2_000 }, (_, i) => `acc-legal-${i}`);
  const crowd = Array.from({ length: 2_000 }, (_, i) => `acc-crowd-${i}`);
  const env = await lifecycleSetup({ extraUsers: [...crowd, ...legal] });
  env.site.getGroup(GROUP)!.members.push(...crowd);
  env.site.getGroup('grp-legal-reviewers')!.members = ['acc-erin', ...legal];
  const groups = [
    { key: 'crowd', name: 'Crowd', approvers: [`group:${GROUP}`], required: 1 },
    { key: 'legal', name: 'Legal', approvers: ['group:grp-legal-reviewers'], required: 1 },
  ];
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ groups }] });
  await env.engine.approvals.submitPage(ui(BOB), RESTRICTED, 'wf-eng-review');
  await dailyRun(env);
  expect((await statusRead(env)).stuck?.map((g) => g.group)).toEqual(['crowd', 'legal']);
  // Carol (first in the crowd) may view the page again: "legal" alone is short, which the read cannot settle
  env.site.getPage(RESTRICTED)!.restrictions.read.push({ type: 'user', id: CAROL });
  const read = await statusRead(env);
  expect(read.stuck).toBeUndefined();
  expect(read.calls).toBeLessThanOrEqual(READ_STUCK_MEMBERS + READ_OVERHEAD + 1); // a page of members per group
  await dailyRun(env);
  expect((await statusRead(env)).stuck?.map((g) => g.group)).toEqual(['legal']);
});

test('a small group is still judged whole at read time', async () => {
  const { env } = await crowdEnv(20); // 22 members, within the bound
  const [crowd] = (await statusRead(env)).stuck ?? [];
  expect(crowd).toMatchObject({ group: 'crowd', eligible: [] });
  expect(crowd?.unavailable).toHaveLength(22);
  expect(await treeFlag(env)).toBeUndefined(); // no daily run yet: the verdict is the read's own
});

test('the daily job flags a group too big to name every member in one record', async () => {
  const { env } = await crowdEnv(6_000); // 6,002 people who cannot view the page: ~270 KB named in full
  expect((await dailyRun(env)).stuckFlagged).toBe(1);
  expect((await env.auditRecords()).filter((r) => r.action === 'approval.stuck')).toHaveLength(1);
  const [crowd] = (await statusRead(env)).stuck ?? [];
  expect(crowd?.unavailable).toHaveLength(NAMED_PER_GROUP);
});

test('the daily job stops a check at its deadline and resumes at that approval', async () => {
  const { env, approvalId } = await crowdEnv(2_000);
  // each view read takes 100 ms of the job's time
  const slowly = () => env.tick(100);
  env.site.resetCalls();
  const cut = await dailyRun(env, 20_000, slowly);
  expect(cut).toMatchObject({ more: true });
  expect(cut.stuckFlagged).toBeUndefined();
  // windows of 10, 40, 160 and 640 members: the deadline passed while the 640 were read
  expect(env.site.calls.byEndpoint[PAGE_READS]).toBe(640);
  expect((await env.store.get('lc-stuck-cursor'))?.value).toEqual({ spaceId: ENG, approvalId });
  expect(await dailyRun(env, 600_000, slowly)).toMatchObject({ stuckFlagged: 1, more: false });
  expect(await env.store.get('lc-stuck-cursor')).toBeUndefined();
});

test('an approval one run cannot judge is passed over on its second cut, so it does not stop the scan every day (review)', async () => {
  const { env, approvalId } = await crowdEnv(2_000);
  const slowly = () => env.tick(100);
  await dailyRun(env, 20_000, slowly);
  expect((await env.store.get('lc-stuck-cursor'))?.value).toEqual({ spaceId: ENG, approvalId });
  await dailyRun(env, 20_000, slowly); // begins with it, cut again
  expect((await env.store.get('lc-stuck-cursor'))?.value).not.toEqual({ spaceId: ENG, approvalId });
  await dailyRun(env, 20_000, slowly); // the rest of the scan, to its end
  expect(await env.store.get('lc-stuck-cursor')).toBeUndefined();
});

test('a resumed scan does not check again the approvals its batch judged before the cut', async () => {
  const crowd = Array.from({ length: 2_000 }, (_, i) => `acc-crowd-${i}`);
  const env = await lifecycleSetup({ extraUsers: crowd });
  env.site.getGroup(GROUP)!.members.push(...crowd);
  await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ groups: [{ key: 'crowd', name: 'Crowd', approvers: [`group:${GROUP}`], required: 2 }] }] });
  await env.engine.approvals.submitPage(ui(BOB), '2001', 'wf-eng-review'); // Carol and Dave can view it: judged at once
  env.tick(1_000);
  const hopeless = await env.engine.approvals.submitPage(ui(BOB), RESTRICTED, 'wf-eng-review');
  const asked: string[][] = [];
  const slowly = (pageIds: string[]) => {
    env.tick(100);
    asked.push(pageIds);
  };
  await dailyRun(env, 20_000, slowly);
  expect((await env.store.get('lc-stuck-cursor'))?.value).toEqual({ spaceId: ENG, approvalId: hopeless.id });
  expect(asked.some((pages) => pages.includes('2001'))).toBe(true);
  asked.length = 0;
  expect(await dailyRun(env, 600_000, slowly)).toMatchObject({ stuckFlagged: 1, more: false });
  expect(asked.length).toBeGreaterThan(2_000);
  expect(asked.some((pages) => pages.includes('2001'))).toBe(false);
});
