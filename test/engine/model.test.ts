/**
 * Model-based test (fast-check fc.commands): random submit / decide / cancel / edit / change-set
 * submit / archive against a small reference model. After every command: the page states match the
 * model, a page never has two pending approvals, and the number of audit records equals the number
 * the model expects (one per successful change, one per denied attempt); finally the chain verifies.
 */
import fc from 'fast-check';
import { DomainError } from '../../src/core/domain/errors';
import { DENIALS_RECORDED_PER_MINUTE } from '../../src/core/services/denials';
import { ALICE, BOB, CAROL, DAVE, ENG, ERIN, api, setup, ui } from './helpers';
import type { TestEnv } from './helpers';

const PAGES = ['2001', '2002', '2003', '2004'];
const STEPS = [
  { approvers: [CAROL, DAVE], mode: 'any' as const },
  { approvers: [ALICE, DAVE], mode: 'all' as const },
];

interface ModelApproval {
  id: string;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  pageVersion: number;
  activeStep: number;
  decidedThisStep: Set<string>;
  viaChangeSet: boolean;
}
interface Model {
  pages: Map<string, { version: number; latest?: ModelApproval }>;
  archived: boolean;
  audit: number;
  /** refusals per caller: the clock stands still, so all fall in one minute (services/denials.ts) */
  denials: Map<string, number>;
}

/** A refusal is recorded while its caller is within the per-minute allowance; beyond it, only counted. */
function denied(m: Model, caller: string): void {
  const n = (m.denials.get(caller) ?? 0) + 1;
  m.denials.set(caller, n);
  if (n <= DENIALS_RECORDED_PER_MINUTE) m.audit += 1;
}
interface Real {
  env: TestEnv;
  changeSetId: string;
  baseline: number;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

function expectedState(page: { version: number; latest?: ModelApproval }): { state: string; isStale: boolean } {
  const l = page.latest;
  if (!l || l.status === 'cancelled') return { state: 'draft', isStale: false };
  if (l.status === 'pending') return { state: 'in_approval', isStale: false };
  if (l.status === 'rejected') return { state: 'changes_requested', isStale: false };
  return { state: 'approved', isStale: page.version > l.pageVersion };
}

async function checkInvariants(m: Model, r: Real): Promise<void> {
  for (const pageId of PAGES) {
    const status = await r.env.engine.approvals.pageStatus(ui(BOB), pageId);
    const page = m.pages.get(pageId)!;
    expect({ state: status.state, isStale: status.isStale }).toEqual(expectedState(page));
    expect(status.currentPageVersion).toBe(page.version);
    const history = await r.env.engine.approvals.history(ui(BOB), pageId);
    expect(history.filter((h) => h.status === 'pending').length).toBeLessThanOrEqual(1);
  }
  // the set's roll-up changes are derived records with their own test (events.test.ts); the model counts what the operations record
  const records = (await r.env.auditRecords()).filter((x) => x.action !== 'changeset.rollup_changed');
  expect(records.length - r.baseline).toBe(m.audit);
}

/** Model of one page submit by BOB; returns the expected error code or undefined on success. */
function modelSubmitCode(m: Model, pageId: string): string | undefined {
  const page = m.pages.get(pageId)!;
  if (page.latest?.status === 'pending') return 'PENDING_APPROVAL';
  if (page.latest?.status === 'approved' && page.latest.pageVersion >= page.version) return 'ALREADY_APPROVED';
  return undefined;
}

class SubmitPage implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pageId: string, readonly asCarol: boolean) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const caller = this.asCarol ? CAROL : BOB;
    const result = r.env.engine.approvals.submitPage(ui(caller), this.pageId);
    if (this.asCarol) {
      expect(await codeOf(result)).toBe('NO_EDIT_PERMISSION');
      denied(m, CAROL);
    } else {
      const expected = modelSubmitCode(m, this.pageId);
      if (expected) expect(await codeOf(result)).toBe(expected);
      else {
        const a = await result;
        const page = m.pages.get(this.pageId)!;
        page.latest = { id: a.id, status: 'pending', pageVersion: page.version, activeStep: 0, decidedThisStep: new Set(), viaChangeSet: false };
        m.audit += 1;
      }
    }
    await checkInvariants(m, r);
  }
  toString = () => `submit(${this.pageId}${this.asCarol ? ', carol' : ''})`;
}

class Decide implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pageId: string, readonly actor: string, readonly decision: 'approve' | 'reject') {}
  check = (m: Readonly<Model>) => m.pages.get(this.pageId)!.latest !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    const latest = m.pages.get(this.pageId)!.latest!;
    const result = r.env.engine.approvals.decide(ui(this.actor), latest.id, this.decision, this.decision === 'reject' ? 'Needs another pass, see inline notes' : undefined);
    if (latest.status !== 'pending') {
      expect(await codeOf(result)).toBe('APPROVAL_NOT_PENDING');
    } else if (!STEPS[latest.activeStep].approvers.includes(this.actor)) {
      expect(await codeOf(result)).toBe('NOT_AN_APPROVER');
      denied(m, this.actor);
    } else if (latest.decidedThisStep.has(this.actor)) {
      expect(await codeOf(result)).toBe('ALREADY_DECIDED');
    } else {
      const real = await result;
      if (this.decision === 'reject') {
        latest.status = 'rejected';
        m.audit += 1;
      } else if (latest.activeStep === 0) {
        latest.activeStep = 1;
        latest.decidedThisStep = new Set();
        m.audit += 2; // approved + step_completed
      } else {
        latest.decidedThisStep.add(this.actor);
        if (STEPS[1].approvers.every((a) => latest.decidedThisStep.has(a))) latest.status = 'approved';
        m.audit += 1;
      }
      expect(real.status).toBe(latest.status);
      expect(real.activeStep).toBe(latest.activeStep);
    }
    await checkInvariants(m, r);
  }
  toString = () => `decide(${this.pageId}, ${this.actor}, ${this.decision})`;
}

class Cancel implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pageId: string, readonly asCarol: boolean) {}
  check = (m: Readonly<Model>) => m.pages.get(this.pageId)!.latest !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    const latest = m.pages.get(this.pageId)!.latest!;
    const result = r.env.engine.approvals.cancel(ui(this.asCarol ? CAROL : BOB), latest.id);
    if (this.asCarol) {
      expect(await codeOf(result)).toBe('FORBIDDEN');
      denied(m, CAROL);
    } else if (latest.status !== 'pending') {
      expect(await codeOf(result)).toBe('APPROVAL_NOT_PENDING');
    } else {
      expect((await result).status).toBe('cancelled');
      latest.status = 'cancelled';
      m.audit += 1;
    }
    await checkInvariants(m, r);
  }
  toString = () => `cancel(${this.pageId}${this.asCarol ? ', carol' : ''})`;
}

class EditPage implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pageId: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.env.site.editPage(this.pageId, { accountId: BOB, body: `<p>${Math.random()}</p>` });
    m.pages.get(this.pageId)!.version += 1;
    await checkInvariants(m, r);
  }
  toString = () => `edit(${this.pageId})`;
}

class SubmitChangeSet implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const result = r.env.engine.changeSets.submit(api(BOB), r.changeSetId);
    if (m.archived) {
      expect(await codeOf(result)).toBe('CHANGE_SET_ARCHIVED');
    } else {
      const real = await result;
      for (const res of real.results) {
        const expected = modelSubmitCode(m, res.pageId);
        expect(res.code).toBe(expected);
        if (!expected) {
          const page = m.pages.get(res.pageId)!;
          page.latest = { id: res.approvalId!, status: 'pending', pageVersion: page.version, activeStep: 0, decidedThisStep: new Set(), viaChangeSet: true };
          m.audit += 1;
        }
      }
      m.audit += 1; // changeset.submitted
    }
    await checkInvariants(m, r);
  }
  toString = () => 'submitChangeSet';
}

class Archive implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const result = r.env.engine.changeSets.archive(api(BOB), r.changeSetId);
    const blocked = [...m.pages.values()].some((p) => p.latest?.status === 'pending' && p.latest.viaChangeSet);
    if (m.archived) expect(await codeOf(result)).toBe('CHANGE_SET_ARCHIVED');
    else if (blocked) expect(await codeOf(result)).toBe('CHANGE_SET_HAS_PENDING');
    else {
      expect((await result).status).toBe('archived');
      m.archived = true;
      m.audit += 1;
    }
    await checkInvariants(m, r);
  }
  toString = () => 'archive';
}

const page = fc.constantFrom(...PAGES);
const decide = fc
  .tuple(page, fc.constantFrom(ALICE, CAROL, DAVE, ERIN), fc.constantFrom('approve' as const, 'approve' as const, 'reject' as const))
  .map(([p, a, d]) => new Decide(p, a, d));
const commands = [
  fc.tuple(page, fc.boolean()).map(([p, c]) => new SubmitPage(p, c)),
  decide,
  decide,
  decide,
  fc.tuple(page, fc.boolean()).map(([p, c]) => new Cancel(p, c)),
  page.map((p) => new EditPage(p)),
  fc.constant(new SubmitChangeSet()),
  fc.constant(new Archive()),
];

test('approvals and change sets behave like the reference model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'max' }), async (cmds) => {
      const env = await setup();
      await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: STEPS });
      const cs = await env.engine.changeSets.create(api(BOB), { spaceId: ENG, title: 'model', pageRefs: PAGES.map((pageId) => ({ pageId })) });
      const baseline = (await env.auditRecords()).length;
      const model: Model = {
        pages: new Map(PAGES.map((id) => [id, { version: env.site.getPageForRender(id)!.version }])),
        archived: false,
        audit: 0,
        denials: new Map(),
      };
      await fc.asyncModelRun(() => ({ model, real: { env, changeSetId: cs.id, baseline } }), cmds);
      expect((await env.audit.verify()).ok).toBe(true);
    }),
    { numRuns: 15 },
  );
});
