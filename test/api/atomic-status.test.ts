/**
 * Audit A#6 (SPEC 2.5a): REST `/pages/status` of a page approved through an atomic change set reports
 * `approvedVia {changeSetId, setApprovalId}`, as the `page.status` resolver does (one shape: the
 * engine's view, nothing stripped by the REST response schema).
 */
import { createRealApi } from './real-app';
import { call, type CallOptions, type CallResult } from './helpers';
import { assertMatchesOpenApi } from './openapi-validator';
import type { ApiRouteKey } from '../../src/transport/api/routes';

let app: Awaited<ReturnType<typeof createRealApi>>;

beforeEach(async () => {
  app = await createRealApi();
});

async function api(key: ApiRouteKey, options: CallOptions = {}): Promise<CallResult> {
  const res = await call(app.handlers, key, options);
  assertMatchesOpenApi(key, res);
  return res;
}

it('reports approvedVia for a page approved through a set, exactly as the engine view has it', async () => {
  const created = await api('changeset-create', { body: { spaceId: '1001', title: 'Release', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }], approvalMode: 'atomic' } });
  const changeSetId = created.json.changeSet.id as string;
  const submitted = await api('changeset-submit', { body: { changeSetId } });
  const setApprovalId = submitted.json.setApprovalId as string;
  await app.engine.changeSets.decide({ accountId: 'acc-carol', source: 'ui' }, { setApprovalId, decision: 'approve', pageAck: ['2001', '2002'] });

  const status = await api('page-status', { query: { pageId: '2002' } });
  expect(status.json).toMatchObject({ state: 'approved', approvedVia: { changeSetId, setApprovalId } });
  const view = await app.engine.approvals.pageStatus({ accountId: 'acc-bob', source: 'ui' }, '2002');
  expect(status.json.approvedVia).toEqual(view.approvedVia);
});
