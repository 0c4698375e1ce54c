/**
 * Issue 17 item 7: REST and the resolvers accept and refuse the same inputs. The same payloads go
 * through the REST route's request schema and the resolver's schema of the same operation; each
 * payload must be accepted by both or refused by both. (The resolver's one framing difference, the
 * page or space taken from the extension context when a payload names none, is left out: every
 * payload here names its page and space. REST query strings are left out too: a REST query's limit
 * arrives as a string, a resolver's as a number.)
 */
import { API_ROUTES } from '../../src/transport/api/routes';
import { RESOLVER_SCHEMAS as schemas } from '../../src/transport/resolvers/registry';

const restSchema = (exportName: string) => {
  const route = API_ROUTES.find((r) => r.exportName === exportName);
  if (!route) throw new Error(`no REST route ${exportName}`);
  return route.request.schema;
};

const ref = (pageId: string) => ({ pageId });
const changeSetPayloads: unknown[] = [
  { changeSetId: 'cs-1' },
  { changeSetId: '' },
  { changeSetId: '../x' },
  { changeSetId: 'cs-1', extra: true },
  {},
];
const updatePayloads: unknown[] = [
  { changeSetId: 'cs-1', title: 'New title' },
  { changeSetId: 'cs-1' }, // changes nothing: refused by both (it was accepted by the resolver only)
  { changeSetId: 'cs-1', expectedVersion: 3 }, // a version alone changes nothing either
  { changeSetId: 'cs-1', title: '   ' },
  { changeSetId: 'cs-1', title: 'a\u202Eb' },
  { changeSetId: 'cs-1', pageRefs: [ref('2001'), ref('2001')] },
  { changeSetId: 'cs-1', pageRefs: [ref('02001')] },
  { changeSetId: 'cs-1', pageRefs: [] },
  { changeSetId: 'cs-1', approvalMode: 'atomic' },
  { changeSetId: 'cs-1', approvalMode: 'all-or-nothing' },
  { changeSetId: 'cs-1', referenceUrl: 'javascript:alert(1)' },
  { changeSetId: 'cs-1', summary: 'x', unknown: 1 },
];
const createPayloads: unknown[] = [
  { spaceId: '1001', title: 'Release 4.2', pageRefs: [ref('2001')] },
  { spaceId: '1001', title: 'Release 4.2', pageRefs: [ref('2001')], approvalMode: 'atomic', summary: 'Docs', referenceUrl: 'https://example.com/pr/1' },
  { spaceId: '01001', title: 'Release', pageRefs: [ref('2001')] },
  { spaceId: '1001', title: '', pageRefs: [ref('2001')] },
  { spaceId: '1001', title: 'Release', pageRefs: [] },
  { spaceId: '1001', title: 'Release', pageRefs: [ref('2001')], owner: 'acc-bob' },
];

const pagePayloads: unknown[] = [
  { pageId: '2001' },
  { pageId: '2001', workflowId: 'wf-1' },
  { pageId: '02001' },
  { pageId: '' },
  { pageId: '2001', workflowId: '' },
  { pageId: '2001', workflowId: '../wf' },
  { pageId: 2001 },
  { pageId: '2001', spaceId: '1001' },
];
const pageIdPayloads: unknown[] = [{ pageId: '2001' }, { pageId: '02001' }, { pageId: 'abc' }, { pageId: '2001', workflowId: 'wf-1' }];
const changeSetIdPayloads: unknown[] = [{ changeSetId: 'cs-1' }, { changeSetId: 'cs 1' }, { changeSetId: 'x'.repeat(129) }, { changeSetId: 'cs-1', spaceId: '1001' }];

const pairs: Array<[string, keyof typeof schemas, unknown[]]> = [
  ['apiPagePreflight', 'page.preflight', pagePayloads],
  ['apiPageSubmit', 'page.submit', pagePayloads],
  ['apiPageStatus', 'page.status', pageIdPayloads],
  ['apiChangeSetDetail', 'changeSet.get', changeSetIdPayloads],
  ['apiChangeSetUpdate', 'changeSet.update', updatePayloads],
  ['apiChangeSetCreate', 'changeSet.create', createPayloads],
  ['apiChangeSetArchive', 'changeSet.archive', changeSetPayloads],
  ['apiChangeSetPreflight', 'changeSet.preflight', changeSetPayloads],
  ['apiChangeSetSubmit', 'changeSet.submit', changeSetPayloads],
];

describe.each(pairs)('%s and the resolver %s', (exportName, key, payloads) => {
  it.each(payloads.map((p) => [JSON.stringify(p), p]))('decide alike on %s', (_label, payload) => {
    const rest = restSchema(exportName).safeParse(payload).success;
    const resolver = schemas[key].safeParse(payload).success;
    expect({ rest, resolver }).toEqual({ rest: resolver, resolver });
  });
});

it('accepts the valid payloads and refuses the invalid ones (guards the guard: the lists are not all one way)', () => {
  const outcomes = updatePayloads.map((p) => schemas['changeSet.update'].safeParse(p).success);
  expect(outcomes.filter(Boolean).length).toBeGreaterThan(0);
  expect(outcomes.filter((ok) => !ok).length).toBeGreaterThan(0);
  expect(schemas['changeSet.update'].safeParse({ changeSetId: 'cs-1' }).success).toBe(false);
});
