/** A pending one-step page approval for pure domain unit tests; override any field. */
import type { PageApproval } from '../../src/core/domain/model';

export function approvalFixture(fields: Partial<PageApproval> = {}): PageApproval {
  return {
    id: 'apr-1',
    pageId: '2001',
    spaceId: '1001',
    pageVersion: 3,
    workflowId: 'wf',
    workflowSnapshot: { id: 'wf', name: 'wf', steps: [{ approvers: ['acc-carol'], mode: 'any' }], allowSelfApproval: false, version: 1 },
    status: 'pending',
    activeStep: 0,
    decisions: [],
    submittedBy: 'acc-bob',
    submittedAt: 0,
    source: 'ui',
    version: 1,
    ...fields,
  };
}
