/** A scripted Engine for transport-only tests: records calls, returns canned results or throws. */
import type { Engine } from '../../src/core/services/engine';
import type { ChangeSetView, PageApproval } from '../../src/core/domain/model';

export const sampleChangeSet: ChangeSetView = {
  id: 'cs_1',
  spaceId: '1001',
  title: 'PR 42',
  summary: '',
  approvalMode: 'per_page',
  pageRefs: [{ pageId: '2001' }],
  status: 'open',
  createdAt: 1,
  createdBy: 'acc-bob',
  updatedAt: 1,
  updatedBy: 'acc-bob',
  version: 1,
  rollupState: 'open',
  pages: [
    { pageId: '2001', title: 'Page 1', currentPageVersion: 1, approvedAtVersion: null, isStale: false, versionDelta: 0, approvalStatus: 'draft', approvalId: null, reviewState: null, reviewDueAt: null, staleness: { stale: false, reason: 'not_approved', versionDelta: 0 } },
  ],
};

export const sampleApproval: PageApproval = {
  id: 'ap_1',
  pageId: '2001',
  spaceId: '1001',
  pageVersion: 1,
  workflowId: 'wf-eng-review',
  workflowSnapshot: { id: 'wf-eng-review', name: 'Review', steps: [{ approvers: ['acc-carol', 'acc-dave'], mode: 'any' }], allowSelfApproval: false, version: 1 },
  status: 'pending',
  activeStep: 0,
  decisions: [],
  submittedBy: 'acc-bob',
  submittedAt: 1,
  source: 'api',
  clientId: 'client-ci',
  version: 1,
};

export interface FakeEngine {
  engine: Engine;
  calls: { method: string; args: unknown[] }[];
  /** what the next call of a method does: a value or an error to throw */
  script: Record<string, unknown>;
}

export function createFakeEngine(): FakeEngine {
  const calls: FakeEngine['calls'] = [];
  const script: Record<string, unknown> = {
    'changeSets.list': { items: [sampleChangeSet], nextCursor: 'c2' },
    'changeSets.get': sampleChangeSet,
    'changeSets.create': sampleChangeSet,
    'changeSets.update': sampleChangeSet,
    'changeSets.archive': { ...sampleChangeSet, status: 'archived' },
    'changeSets.preflight': { summary: { total: 1, submittable: 1, blocked: 0 }, results: [{ pageId: '2001', canSubmit: true, workflowId: 'wf-eng-review' }] },
    'changeSets.submit': { submittedCount: 1, skippedCount: 0, results: [{ pageId: '2001', success: true, workflowId: 'wf-eng-review', approvalId: 'ap_1' }] },
    'approvals.preflightPage': { pageId: '2001', canSubmit: true, workflowId: 'wf-eng-review' },
    'approvals.submitPage': sampleApproval,
    'approvals.pageStatus': {
      pageId: '2001', spaceId: '1001', title: 'Page 1', state: 'in_approval', currentPageVersion: 1, approvedAtVersion: null, isStale: false, versionDelta: 0, reviewState: null, reviewDueAt: null, staleness: { stale: false, reason: 'not_approved', versionDelta: 0 },
      latestApproval: sampleApproval, pending: { approval: sampleApproval, activeStep: 0, approvers: ['acc-carol', 'acc-dave'], mode: 'any', groups: [{ key: 'approvers', name: 'Approvers', required: 1, approvedBy: [], waitingFor: ['acc-carol', 'acc-dave'] }] },
    },
  };
  const service = (name: string) =>
    new Proxy(
      {},
      {
        // A test may replace a method by assigning it; otherwise the scripted result is used.
        get: (target: Record<string, unknown>, method: string) => target[method] ?? (async (...args: unknown[]) => {
          const full = `${name}.${method}`;
          calls.push({ method: full, args });
          const result = script[full];
          if (result instanceof Error) throw result;
          if (result === undefined) throw new Error(`fake engine: ${full} not scripted`);
          return structuredClone(result);
        }),
      },
    );
  script['evidence.export'] = { chain: [] };
  script['evidence.keys'] = [{ keyId: '0123456789abcdef', publicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n', validFrom: '2026-01-01T00:00:00.000Z' }];
  const engine = { workflows: service('workflows'), approvals: service('approvals'), changeSets: service('changeSets'), audit: service('audit'), evidence: service('evidence') } as unknown as Engine;
  return { engine, calls, script };
}
