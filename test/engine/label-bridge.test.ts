/**
 * The Automation label bridge (SPEC 3a) end to end on the engine and the local site: a space admin
 * maps states to labels, and after each state change the app (as itself, through the `labels.sync`
 * job) leaves exactly the mapped label of the page's state on the page, never touching other labels.
 */
import { buildSeed, LOCAL_APP_USER } from '../../local/site';
import { createJobHandlers, dispatchJob } from '../../src/core/services/jobs';
import type { Job, JobHandlers } from '../../src/core/ports/jobs';
import { ALICE, BOB, CAROL, ENG, setup, ui, type TestEnv } from './helpers';

const PAGE = '2001';
const MAPPING = { approved: 'af-approved', rejected: 'af-rejected', stale: 'af-stale' };
const LABEL_WRITES = ['POST /wiki/rest/api/content/{id}/label', 'DELETE /wiki/rest/api/content/{id}/label'];

interface Env extends TestEnv {
  jobs: Job[];
  labels(): string[];
  writes(): number;
}

/** ENG with the app user allowed to edit pages (Confluence's rule for labelling), jobs run as the app and recorded. */
async function bridgeEnv(options: { appMayEdit?: boolean } = {}): Promise<Env> {
  const seed = buildSeed();
  if (options.appMayEdit !== false) {
    seed.spaces.find((s) => s.id === ENG)!.permissions.push({ id: 'sp-app-edit', principal: { type: 'user', id: LOCAL_APP_USER.accountId }, operation: { key: 'create', targetType: 'page' } });
  }
  const jobs: Job[] = [];
  const late: { handlers?: JobHandlers } = {};
  const env = await setup({
    seed,
    jobs: {
      push: async (pushed) => {
        jobs.push(...pushed);
        for (const job of pushed) await dispatchJob(late.handlers!, job);
      },
    },
  });
  late.handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined }, (message, fields) => env.logs.push(`${message} ${JSON.stringify(fields)}`));
  env.site.changeLabels(PAGE, ALICE, { add: ['keep-me'], remove: [] });
  return {
    ...env,
    jobs,
    labels: () => [...(env.site.getPage(PAGE)!.labels ?? [])].sort(),
    writes: () => LABEL_WRITES.reduce((n, endpoint) => n + (env.site.calls.byEndpoint[endpoint] ?? 0), 0),
  };
}

async function approve(env: TestEnv): Promise<string> {
  const submitted = await env.engine.approvals.submitPage(ui(BOB), PAGE);
  await env.engine.approvals.decide(ui(CAROL), submitted.id, 'approve');
  return submitted.id;
}

async function edit(env: TestEnv, body: string): Promise<void> {
  env.tick();
  await env.site.editPage(PAGE, { accountId: BOB, body });
  await env.engine.content.pageUpdated(PAGE);
}

const syncJobs = (env: Env) => env.jobs.filter((j) => j.kind === 'labels.sync');

describe('with the bridge on', () => {
  let env: Env;
  beforeEach(async () => {
    env = await bridgeEnv();
    await env.engine.automation.saveLabels(ui(ALICE), ENG, MAPPING);
  });

  it('a final approval puts the approved label on, leaving labels it does not map', async () => {
    const submitted = await env.engine.approvals.submitPage(ui(BOB), PAGE);
    expect(env.labels()).toEqual(['keep-me']);
    expect(syncJobs(env)).toEqual([{ kind: 'labels.sync', pageId: PAGE }]);
    await env.engine.approvals.decide(ui(CAROL), submitted.id, 'approve');
    expect(env.labels()).toEqual(['af-approved', 'keep-me']);
  });

  it('going stale swaps approved for stale, and a restore swaps it back', async () => {
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { stalenessPolicy: 'content_change' });
    await approve(env);
    const approvedBody = env.site.getPage(PAGE)!.versions.at(-1)!.body;
    await edit(env, `${approvedBody}<p>A new paragraph.</p>`);
    expect(env.labels()).toEqual(['af-stale', 'keep-me']);
    await env.engine.content.restore(ui(BOB), PAGE);
    expect(env.labels()).toEqual(['af-approved', 'keep-me']);
  });

  it('a rejection puts the rejected label on; a new submission takes it off (in review maps to nothing)', async () => {
    const submitted = await env.engine.approvals.submitPage(ui(BOB), PAGE);
    await env.engine.approvals.decide(ui(CAROL), submitted.id, 'reject', 'Needs a summary of the change.');
    expect(env.labels()).toEqual(['af-rejected', 'keep-me']);
    await env.engine.approvals.submitPage(ui(BOB), PAGE);
    expect(env.labels()).toEqual(['keep-me']);
  });

  it("an admin's reset of an approved page takes the approved label off", async () => {
    await approve(env);
    await env.engine.approvals.reset(ui(ALICE), PAGE);
    expect(env.labels()).toEqual(['keep-me']);
  });

  it('a redelivered job changes nothing, and a stray mapped label is taken off while others stay', async () => {
    await approve(env);
    const writes = env.writes();
    const handlers = createJobHandlers(env.deps, { 'audit.sequence': async () => undefined });
    await dispatchJob(handlers, { kind: 'labels.sync', pageId: PAGE });
    expect(env.writes()).toBe(writes);
    expect(env.labels()).toEqual(['af-approved', 'keep-me']);

    env.site.changeLabels(PAGE, ALICE, { add: ['af-rejected', 'other'], remove: [] });
    await dispatchJob(handlers, { kind: 'labels.sync', pageId: PAGE });
    expect(env.labels()).toEqual(['af-approved', 'keep-me', 'other']);
  });

  it('an atomic change set: its submit takes a pinned page\'s stale label off, its final approval puts the approved label on each', async () => {
    await approve(env);
    // an edit under the default policy (any version) makes it stale, and so eligible again
    await edit(env, '<p>Edited after approval.</p>');
    expect(env.labels()).toEqual(['af-stale', 'keep-me']);
    const cs = await env.engine.changeSets.create(ui(BOB), { spaceId: ENG, title: 'Release 12', pageRefs: [{ pageId: PAGE }, { pageId: '2002' }], approvalMode: 'atomic' });
    const submitted = await env.engine.changeSets.submit(ui(BOB), cs.id);
    expect(env.labels()).toEqual(['keep-me']);
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId: submitted.setApprovalId!, decision: 'approve', pageAck: [PAGE, '2002'] });
    expect(env.labels()).toEqual(['af-approved', 'keep-me']);
    expect(env.site.getPage('2002')!.labels).toEqual(['af-approved']);
  });

  it('a step approval that is not final enqueues nothing', async () => {
    // two steps: the first approval moves the approval on, the page stays in review
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [CAROL], mode: 'any' }, { approvers: [ALICE], mode: 'any' }] });
    const submitted = await env.engine.approvals.submitPage(ui(BOB), PAGE);
    const before = syncJobs(env).length;
    await env.engine.approvals.decide(ui(CAROL), submitted.id, 'approve');
    expect(syncJobs(env).length).toBe(before);
    await env.engine.approvals.decide(ui(ALICE), submitted.id, 'approve');
    expect(env.labels()).toEqual(['af-approved', 'keep-me']);
  });

  it('an unmapped state only removes: with no rejected label, a rejection takes the approved one off', async () => {
    await env.engine.automation.saveLabels(ui(ALICE), ENG, { approved: 'af-approved' });
    await approve(env);
    expect(env.labels()).toEqual(['af-approved', 'keep-me']);
    await env.engine.approvals.reset(ui(ALICE), PAGE);
    const submitted = await env.engine.approvals.submitPage(ui(BOB), PAGE);
    await env.engine.approvals.decide(ui(CAROL), submitted.id, 'reject', 'Not ready yet, see the comments.');
    expect(env.labels()).toEqual(['keep-me']);
  });
});

it('with the bridge off, a state change enqueues no label job and makes no label call', async () => {
  const env = await bridgeEnv();
  await approve(env);
  expect(syncJobs(env)).toEqual([]);
  expect(env.writes()).toBe(0);
  expect(env.site.calls.byEndpoint['GET /wiki/api/v2/pages/{id}/labels'] ?? 0).toBe(0);
  expect(env.labels()).toEqual(['keep-me']);
});

it('when Confluence refuses the app (it may not edit the page), the decision stands and the refusal is logged', async () => {
  const env = await bridgeEnv({ appMayEdit: false });
  await env.engine.automation.saveLabels(ui(ALICE), ENG, MAPPING);
  await approve(env);
  expect((await env.engine.approvals.pageStatus(ui(BOB), PAGE)).state).toBe('approved');
  expect(env.labels()).toEqual(['keep-me']);
  expect(env.logs.some((l) => l.startsWith('label bridge: Confluence refused the label change'))).toBe(true);
});
