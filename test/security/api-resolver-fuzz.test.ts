/**
 * Issue 10.6 / SPEC §9: no schema-valid input makes any resolver answer INTERNAL_ERROR (the resolver
 * form of a 500). Every resolver key is fuzzed over the real engine with payloads built from its
 * own schema's fields (filtered to the schema-valid ones), by every kind of caller, with and
 * without a page/space in the extension context. Hostile but schema-invalid payloads must be
 * refused as INVALID_REQUEST, never reach the engine.
 */
import fc from 'fast-check';
import { AUDIT_ACTIONS } from '../../src/core/domain/model';
import { RESOLVER_SCHEMAS as schemas, type ResolverKey } from '../../src/transport/resolvers/registry';
import { createResolverApp, type ResolverApp } from './resolver-app';

const KEYS = Object.keys(schemas) as ResolverKey[];
const accounts = fc.constantFrom('acc-alice', 'acc-bob', 'acc-carol', 'acc-dave', 'acc-erin', 'acc-unknown');
const confluenceIds = ['1', '1001', '1002', '2001', '2002', '2006', '2011', '2012', '3001', '3002', '9999', '9223372036854775807'];
const pageId = fc.constantFrom(...confluenceIds);
const accountId = fc.constantFrom('acc-alice', 'acc-bob', 'acc-carol', 'acc-dave', 'acc-erin', 'acc-unknown', 'group:grp-eng-reviewers', 'group:nope');
const text = (max: number) => fc.string({ maxLength: max, unit: 'grapheme' });

const signatureSettings = fc.record({
  required: fc.boolean(),
  auth: fc.constantFrom('pin', 'totp', 'pin_or_totp'),
  meanings: fc.uniqueArray(fc.record({ code: fc.constantFrom('approval', 'review', 'authorship'), label: text(80).filter((t) => t.trim().length > 0) }), { minLength: 1, maxLength: 3, selector: (m) => m.code }),
});

function fieldArbs(refs: { changeSetId: string; approvalId: string; setApprovalId: string }): Record<string, fc.Arbitrary<unknown>> {
  // Mostly ids that exist, so fuzzing reaches deep into the engine; sometimes any well-formed id.
  const opaque = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('wf-eng-review', 'wf-docs-legal', 'wf-docs-quick', refs.changeSetId, refs.approvalId, refs.setApprovalId) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/) },
  );
  const auditFilter = {
    from: fc.nat(),
    to: fc.nat(),
    spaceId: pageId,
    pageId,
    changeSetId: opaque,
    actor: accountId,
    action: fc.constantFrom(...AUDIT_ACTIONS),
    source: fc.constantFrom('ui', 'api'),
    clientId: fc.stringMatching(/^[!-~]{1,20}$/),
  };
  return {
    ...auditFilter,
    pageId,
    spaceId: pageId,
    workflowId: fc.oneof(opaque, fc.constant(null)),
    sourceWorkflowId: opaque,
    changeSetId: opaque,
    approvalId: opaque,
    accountIds: fc.array(accountId, { minLength: 1, maxLength: 5 }),
    decision: fc.constantFrom('approve', 'reject'),
    comment: text(280),
    title: text(255),
    summary: text(300),
    referenceUrl: fc.constantFrom('https://git.example/pr/1', 'http://x.example', 'https://a.example/' + 'p'.repeat(100)),
    pageRefs: fc.uniqueArray(pageId, { minLength: 1, maxLength: 5 }).map((ids) => ids.map((id) => ({ pageId: id }))),
    name: text(120),
    steps: fc.array(
      fc.oneof(
        fc.record({ name: text(20), approvers: fc.uniqueArray(accountId, { minLength: 1, maxLength: 3 }), mode: fc.constantFrom('any', 'all'), signature: signatureSettings }, { requiredKeys: ['approvers', 'mode'] }),
        // SPEC 2.1a group form, including unreachable counts and thresholds
        fc.record(
          {
            name: text(20),
            groups: fc.uniqueArray(
              fc.record({
                key: fc.stringMatching(/^[a-z0-9][a-z0-9_]{0,5}$/),
                name: text(60),
                approvers: fc.uniqueArray(accountId, { minLength: 1, maxLength: 3 }),
                required: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant('all' as const)),
              }),
              { minLength: 1, maxLength: 3, selector: (g) => g.key },
            ),
            rejectPolicy: fc.oneof(fc.constantFrom('any', 'unreachable'), fc.record({ threshold: fc.integer({ min: 1, max: 50 }) })),
            distinctAcrossGroups: fc.boolean(),
          },
          { requiredKeys: ['groups'] },
        ),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    // SPEC 2.3b delegations: windows around the app clock (valid, reversed, too long, in the past)
    delegateAccountId: accountId,
    delegatorAccountId: accountId,
    startsAt: fc.integer({ min: -3, max: 100 }).map((d) => new Date(Date.UTC(2026, 11, 1) + d * 86_400_000).toISOString()),
    endsAt: fc.integer({ min: -3, max: 100 }).map((d) => new Date(Date.UTC(2026, 11, 2) + d * 86_400_000).toISOString()),
    // delegation scope (SPEC 2.3b) or evidence scope (SPEC 5a): each schema refuses the other's shape
    scope: fc.oneof(
      fc.record({ spaceIds: fc.uniqueArray(pageId, { maxLength: 3 }), workflowIds: fc.uniqueArray(opaque, { maxLength: 2 }) }, { requiredKeys: [] }),
      pageId.map((id) => ({ pageId: id })),
      opaque.map((id) => ({ changeSetId: id })),
      opaque.map((id) => ({ approvalId: id })),
    ),
    mode: fc.constantFrom('add', 'replace'),
    reason: text(280),
    role: fc.constantFrom('delegator', 'delegate', 'admin'),
    sod: fc.record({
      excludeEditors: fc.constantFrom('none', 'last_editor', 'since_last_approval'),
      distinctAcrossSteps: fc.boolean(),
      changeSetMinDistinctApprovers: fc.integer({ min: 0, max: 10 }),
    }),
    delegationId: opaque,
    // electronic signatures (SPEC 2.3c)
    meaning: fc.constantFrom('approval', 'review', 'nope', 'approve', 'review_ok'),
    credential: fc.record({ type: fc.constantFrom('pin', 'totp'), value: fc.oneof(fc.constantFrom('correct-horse-42', '123456'), fc.stringMatching(/^[0-9]{6,8}$/), text(64).filter((t) => t.length > 0)) }),
    newPin: fc.oneof(fc.constant('correct-horse-42'), text(64)),
    currentPin: fc.oneof(fc.constant('correct-horse-42'), text(64).filter((t) => t.length > 0)),
    method: fc.constant('totp'),
    code: fc.stringMatching(/^\d{6}$/),
    accountId,
    owners: fc.uniqueArray(accountId.filter((a) => !a.startsWith('group:')), { maxLength: 3 }),
    allowSelfApproval: fc.boolean(),
    enabled: fc.boolean(),
    expectedVersion: fc.integer({ min: 1, max: 4 }),
    mine: fc.boolean(),
    requestedByMe: fc.boolean(),
    status: fc.constantFrom('open', 'archived'),
    rollupState: fc.constantFrom('stale', 'has_rejections', 'all_approved', 'partially_approved', 'in_review', 'open'),
    // Rarely a (forged) cursor: a forged one is INVALID_CURSOR before the engine is reached.
    cursor: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) }, { weight: 1, arbitrary: fc.base64String({ minLength: 40, maxLength: 120 }) }),
    limit: fc.integer({ min: 1, max: 100 }),
    format: fc.constantFrom('csv', 'ndjson'),
    // lifecycle (issue 11)
    reviewPeriodDays: fc.constantFrom(90, 180, 365, null),
    reminderWindowDays: fc.integer({ min: 1, max: 90 }),
    remindAfterDays: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constant(null)),
    parentId: pageId,
    parentType: fc.constantFrom('page', 'folder'),
    approvalRetentionDays: fc.integer({ min: 180, max: 10_000 }),
    auditRetentionDays: fc.integer({ min: 365, max: 10_000 }),
    filters: fc.record(auditFilter, { requiredKeys: [] }),
    // ui.* keys
    surface: fc.constantFrom('page', 'space', 'admin'),
    pageIds: fc.uniqueArray(pageId, { maxLength: 5 }),
    spaceIds: fc.uniqueArray(fc.oneof(pageId, fc.constant('global')), { maxLength: 3 }),
    workflowIds: fc.uniqueArray(fc.oneof(fc.constantFrom('wf-eng-review', 'wf-docs-quick', 'wf-gone'), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)), { maxLength: 3 }),
    kind: fc.constantFrom('user', 'group', 'page', 'space'),
    query: fc.oneof(fc.constantFrom('Bob', 'eng', 'Arch', 'DOCS', '"quoted" \\ back'), text(100).filter((t) => t.trim().length > 0)),
    // issue 20: staleness, diffs, atomic change sets
    from: fc.oneof(fc.constant('lastApproved'), fc.integer({ min: 1, max: 6 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    to: fc.oneof(fc.constant('current'), fc.integer({ min: 1, max: 6 })),
    stalenessPolicy: fc.constantFrom('any_version', 'content_change', 'content_change_tolerant'),
    tolerance: fc.oneof(fc.constant(null), fc.record({ maxChangedChars: fc.integer({ min: 1, max: 200 }), maxVersions: fc.integer({ min: 1, max: 10 }) })),
    approvalMode: fc.constantFrom('per_page', 'atomic'),
    setApprovalId: opaque,
    pageAck: fc.oneof(fc.constant(['2004', '2005']), fc.uniqueArray(pageId, { minLength: 1, maxLength: 3 })),
    // routing and workflow documents (issue 22)
    rules: fc.array(
      fc.record(
        {
          id: opaque,
          priority: fc.integer({ min: 1, max: 1000 }),
          match: fc.oneof(fc.record({ labelsAny: fc.uniqueArray(fc.constantFrom('legal', 'gdpr', 'x.y'), { minLength: 1, maxLength: 2 }) }), fc.record({ underPageId: pageId })),
          workflowId: opaque,
          enabled: fc.boolean(),
        },
        { requiredKeys: ['priority', 'match', 'workflowId', 'enabled'] },
      ),
      { maxLength: 3 },
    ),
    document: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), fc.constant({ format: 'approvalflow.workflow/v1', name: 'x', steps: [{ approvers: ['p1'], mode: 'any' }], settings: {}, principals: [{ ref: 'p1', type: 'user', accountId: 'acc-carol' }], exportedFrom: { spaceKey: 'DOCS' }, exportedAt: '2026-01-01T00:00:00.000Z', sha256: '0'.repeat(64) })),
    principalMap: fc.dictionary(fc.constantFrom('p1', 'p2'), accountId, { maxKeys: 2 }),
    // the Automation label bridge (issue 22): overlapping names, so some mappings are refused as duplicates
    labelOnState: fc.record({ approved: fc.constantFrom('af-approved', 'legal', 'x.y'), rejected: fc.constantFrom('af-rejected', 'legal'), stale: fc.constantFrom('af-stale', 'x.y') }, { requiredKeys: [] }),
  };
}

/** Payloads for `key` from the fields its schema declares (each optional one sometimes left out). */
function payloadArb(key: ResolverKey, arbs: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const shape = (schemas[key] as unknown as { shape: Record<string, unknown> }).shape;
  const fields = Object.fromEntries(Object.keys(shape).map((name) => [name, arbs[name] ?? fc.constant(undefined)]));
  return fc.record(fields, { requiredKeys: [] });
}

async function seedObjects(app: ResolverApp): Promise<{ changeSetId: string; approvalId: string; setApprovalId: string }> {
  const cs = await app.invoke('acc-bob', 'changeSet.create', { title: 'Fuzz set', pageRefs: [{ pageId: '2001' }, { pageId: '2002' }] }, { spaceId: '1001' });
  const submitted = await app.invoke('acc-bob', 'page.submit', { pageId: '2003' });
  const atomic = await app.invoke('acc-bob', 'changeSet.create', { title: 'Atomic', pageRefs: [{ pageId: '2004' }, { pageId: '2005' }], approvalMode: 'atomic' }, { spaceId: '1001' });
  const set = await app.invoke('acc-bob', 'changeSet.submit', { changeSetId: atomic.changeSet.id });
  expect([cs.success, submitted.success, atomic.success, set.success]).toEqual([true, true, true, true]);
  return { changeSetId: cs.changeSet.id, approvalId: submitted.approval.id, setApprovalId: set.setApprovalId };
}

describe('every resolver under schema-valid fuzzing', () => {
  let app: ResolverApp;
  let arbs: Record<string, fc.Arbitrary<unknown>>;

  beforeAll(async () => {
    app = await createResolverApp();
    arbs = fieldArbs(await seedObjects(app));
  });

  // A field without a generator would leave only schema-invalid payloads, and the filter below would never pass one.
  it('every field of every resolver payload has a generator', () => {
    const missing = KEYS.flatMap((key) => Object.keys((schemas[key] as unknown as { shape: Record<string, unknown> }).shape).filter((f) => !(f in arbs)).map((f) => `${key}.${f}`));
    expect(missing).toEqual([]);
  });

  it.each(KEYS)('%s never answers INTERNAL_ERROR', async (key) => {
    const errSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const where = fc.record({ pageId: fc.option(pageId, { nil: undefined }), spaceId: fc.option(pageId, { nil: undefined }) });
    const valid = payloadArb(key, arbs).filter((p) => schemas[key].safeParse(p).success);
    try {
      await fc.assert(
        fc.asyncProperty(accounts, valid, where, async (account, payload, context) => {
          const reply = await app.invoke(account, key, payload, context);
          expect(reply.code).not.toBe('INTERNAL_ERROR');
          expect(typeof reply.success).toBe('boolean');
          if (!reply.success) expect(reply.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
        }),
        { numRuns: 60, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
      );
      expect(errSpy).not.toHaveBeenCalled();
    } finally {
      errSpy.mockRestore();
    }
  });

  it('schema-invalid payloads (wrong types, hostile keys) are INVALID_REQUEST for every key', async () => {
    const hostile = fc.dictionary(fc.constantFrom('pageId', 'spaceId', 'changeSetId', '__proto__', 'constructor', 'accountId', 'limit', 'cursor'), fc.oneof(fc.integer(), fc.constant(null), fc.object()), {
      minKeys: 1,
      maxKeys: 3,
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KEYS), hostile, async (key, payload) => {
        fc.pre(!schemas[key].safeParse(payload).success);
        const reply = await app.invoke('acc-alice', key, payload);
        expect(reply).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
      }),
      { numRuns: 200, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
    );
  });
});
