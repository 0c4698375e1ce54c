/**
 * Platform diagnostics (SPEC §4): what the platform really delivered to recent API invocations and
 * what Confluence answered, so the first deployment shows in minutes which unconfirmed assumptions
 * hold (docs/forge-platform.md). Names and sources only: never a token, header value or body.
 *
 * Each record is its own key with a TTL (no shared counter to contend on); reads take the most
 * recent RECENT_RECORDS records, so the list and the counts are bounded by construction.
 */
import { z } from 'zod';
import { StoreError, type KeyValueStore, type TxOp } from '../../core/ports/store';
import { MAX_NAMES, MAX_NAME_CHARS, type IdentityObservation } from '../api/identity';

const INVOCATION_PREFIX = 'diag:inv:';
const REFUSAL_PREFIX = 'diag:ref:';
export const RECENT_REFUSALS = 20;
const OBSERVATION_PREFIX = 'diag:obs:';
const INVOCATION_TTL_SECONDS = 7 * 24 * 3600;
const OBSERVATION_TTL_SECONDS = 30 * 24 * 3600;
export const RECENT_RECORDS = 50;
/**
 * Every invocation is recorded for the first FULLY_RECORDED calls of a deployment (what the first
 * deployment's checklist reads), then one in SAMPLE_EVERY, so a busy site does not pay one write per
 * API call forever. Identity failures are always recorded.
 */
export const FULLY_RECORDED = 200;
export const SAMPLE_EVERY = 20;
/**
 * A record that joins its request's own transaction (admittedOps) counts JOINT_COUNT_STRIDE calls, one
 * joint record in JOINT_COUNT_STRIDE: the same expected count with a tenth of the writers on the
 * deployment's one counter, so a burst of keyed requests rarely retries its answer's transaction on
 * the counter's condition (issue 23; the 50-create burst of bench section 4 measures it).
 */
export const JOINT_COUNT_STRIDE = 10;
const COUNT_PREFIX = 'diag:count:';
/** Bounds of what a record may hold (names and sources are short; lists are capped). */
const MAX_LABEL_CHARS = 100;
const METHOD_CHARS = 10;
const SOURCE_CHARS = 60;

// the observation caps its names to these bounds where it collects them (identity.ts)
const nameList = z.array(z.string().max(MAX_NAME_CHARS)).max(MAX_NAMES);
const invocationSchema = z.object({
  at: z.number().int(),
  route: z.string().max(MAX_LABEL_CHARS),
  method: z.string().max(METHOD_CHARS),
  principalSource: z.string().max(SOURCE_CHARS),
  clientIdSource: z.string().max(SOURCE_CHARS),
  contextTokenPresent: z.boolean(),
  tokenClaimNames: nameList,
  headerNames: nameList,
  tokenAccountRefused: z.enum(['not-a-context-token', 'module-mismatch', 'app-user']).optional(),
  identityFailed: z.boolean(),
});
export type InvocationRecord = z.infer<typeof invocationSchema>;

/** An invocation's record riding on a job (issue 23), with the deployment it counts under. */
const ridingSchema = z.object({ deployment: z.string().max(MAX_LABEL_CHARS), record: invocationSchema }).strict();
export type RidingDiagnostics = z.infer<typeof ridingSchema>;

const observationSchema = z.object({ holds: z.boolean(), at: z.number().int() });

/** A call the Forge proxy refused (SPEC §4): its code and whose identity was used, never a path or id. */
const refusalSchema = z.object({
  at: z.number().int(),
  errorCode: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  status: z.number().int().min(0).max(599),
  actAs: z.enum(['app', 'user', 'impersonated']),
});
export type RefusalRecord = z.infer<typeof refusalSchema>;

/** Assumptions Confluence answers reveal (the rest are read off the invocation records). */
export type ObservedAssumption = 'apiRouteImpersonation' | 'appUserIsConfluenceAdmin' | 'pageListOperations';

export interface AssumptionState {
  key: string;
  description: string;
  observed: 'holds' | 'refuted' | 'unobserved';
}

export interface DiagnosticsSummary {
  invocations: Array<Pick<InvocationRecord, 'at' | 'route' | 'method' | 'principalSource' | 'clientIdSource' | 'tokenClaimNames' | 'headerNames' | 'tokenAccountRefused' | 'identityFailed'>>;
  identityFailures: number;
  /** the most recent Forge proxy refusals (RECENT_REFUSALS at most) */
  refusals: RefusalRecord[];
  assumptions: AssumptionState[];
}

type Verdict = (records: InvocationRecord[]) => boolean | undefined;
const anyOf =
  (applies: (r: InvocationRecord) => boolean, holds: (r: InvocationRecord) => boolean): Verdict =>
  (records) => {
    const relevant = records.filter(applies);
    return relevant.length === 0 ? undefined : relevant.some(holds);
  };
const always = () => true;

/** Each unconfirmed apiRoute fact and how an invocation record answers it (docs/forge-platform.md §Assumptions). */
const INVOCATION_ASSUMPTIONS: Array<{ key: string; description: string; verdict: Verdict }> = [
  { key: 'apiRoutePrincipal.context', description: 'apiRoute invocations carry context.principal.accountId', verdict: anyOf(always, (r) => r.principalSource === 'context.principal') },
  {
    key: 'apiRoutePrincipal.contextToken',
    description: 'the context token of an apiRoute invocation names the caller (accountId claim, the invoked module, not the app user)',
    verdict: anyOf((r) => r.contextTokenPresent && r.principalSource !== 'context.principal', (r) => r.principalSource === 'contextToken.accountId'),
  },
  {
    key: 'contextToken.shape',
    description: 'the context token has the documented shape (iss forge/context-token, aud forge, accountId and context claims)',
    verdict: anyOf((r) => r.contextTokenPresent, (r) => r.tokenAccountRefused !== 'not-a-context-token' && ['accountId', 'context', 'iss', 'aud'].every((c) => r.tokenClaimNames.includes(c))),
  },
  { key: 'apiRouteClientId', description: 'the OAuth client id reaches the function (request context or token claim)', verdict: anyOf(always, (r) => r.clientIdSource !== 'unavailable') },
  { key: 'apiRouteHeaders.contentType', description: 'Forge forwards the Content-Type header of POST requests', verdict: anyOf((r) => r.method === 'POST', (r) => r.headerNames.includes('content-type')) },
  { key: 'apiRouteHeaders.idempotencyKey', description: 'Forge forwards the Idempotency-Key header (holds once seen; absence proves nothing)', verdict: (records) => (records.some((r) => r.headerNames.includes('idempotency-key')) ? true : undefined) },
];

const CONFLUENCE_ASSUMPTIONS: Record<ObservedAssumption, string> = {
  apiRouteImpersonation: 'asUser(accountId) impersonation is allowed for this app',
  appUserIsConfluenceAdmin: 'the app user is a Confluence administrator (permission/check about other users)',
  pageListOperations: 'the batched page list states the caller\'s permitted operations (pageListOperations: included; only a refutation is recorded, so unobserved with the switch on means it holds)',
};

export class DiagnosticsLog {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Deployments known to be past FULLY_RECORDED in this instance: no store read for them any more. */
  private readonly sampling = new Set<string>();

  /**
   * Whether this invocation of `deployment` is recorded, and the count op its record commits with
   * (the first FULLY_RECORDED are counted); `stride`: what a counting call adds, one call in `stride`.
   */
  private async admission(deployment: string, identityFailed: boolean, random: () => number, stride = 1): Promise<{ admitted: boolean; countOp?: TxOp }> {
    if (identityFailed) return { admitted: true };
    if (this.sampling.has(deployment)) return { admitted: random() < 1 / SAMPLE_EVERY };
    const key = `${COUNT_PREFIX}${deployment.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64)}`;
    const item = await this.store.get(key);
    const count = z.number().int().min(0).safeParse(item?.value);
    const seen = count.success ? count.data : 0;
    if (seen >= FULLY_RECORDED) {
      this.sampling.add(deployment);
      return { admitted: random() < 1 / SAMPLE_EVERY };
    }
    if (stride > 1 && random() >= 1 / stride) return { admitted: true };
    // conditioned on what was read: Forge then needs no read of its own
    return { admitted: true, countOp: { op: 'put', key, value: seen + stride, condition: item ? { kind: 'version', version: item.version } : { kind: 'absent' }, ttlSeconds: OBSERVATION_TTL_SECONDS } };
  }

  /**
   * Records this invocation when admitted: every one of a deployment's first FULLY_RECORDED calls
   * (approximate under races, by design), then one in SAMPLE_EVERY; identity failures always. The
   * count and the record are one transaction (issue 23: one round trip less per API call).
   */
  async recordIfAdmitted(deployment: string, route: string, method: string, observation: IdentityObservation, random: () => number = Math.random): Promise<boolean> {
    return this.write(deployment, this.recordOf(route, method, observation), random);
  }

  /**
   * The record of this invocation as it rides on a job its request queues (issue 23): the job
   * consumer writes it with `recordRidden`, so the request pays no round trip for it.
   */
  riding(deployment: string, route: string, method: string, observation: IdentityObservation): RidingDiagnostics {
    return { deployment: deployment.slice(0, MAX_LABEL_CHARS), record: this.recordOf(route, method, observation) };
  }

  /** A record that rode on a job, re-validated (it comes back from the queue); admitted as the invocation itself would have been. */
  async recordRidden(payload: unknown, random: () => number = Math.random): Promise<boolean> {
    const parsed = ridingSchema.safeParse(payload);
    if (!parsed.success) return false;
    return this.write(parsed.data.deployment, parsed.data.record, random);
  }

  /**
   * The ops that record this invocation for a transaction its request makes anyway (its keyed
   * answer's record, issue 23: answer-ride.ts), admitted as recordIfAdmitted admits; [] when not
   * admitted. Whoever gets them commits them or, if that fails, records it with recordIfAdmitted.
   */
  async admittedOps(riding: RidingDiagnostics, random: () => number = Math.random): Promise<TxOp[]> {
    return this.opsIfAdmitted(riding.deployment, riding.record, random, JOINT_COUNT_STRIDE);
  }

  /** [count op when counted, record op], or [] when not admitted. */
  private async opsIfAdmitted(deployment: string, record: InvocationRecord, random: () => number, stride?: number): Promise<TxOp[]> {
    const { admitted, countOp } = await this.admission(deployment, record.identityFailed, random, stride);
    return admitted ? [...(countOp ? [countOp] : []), this.recordOp(record)] : [];
  }

  private async write(deployment: string, record: InvocationRecord, random: () => number): Promise<boolean> {
    const ops = await this.opsIfAdmitted(deployment, record, random);
    if (ops.length === 0) return false;
    try {
      await this.store.transact(ops);
    } catch (error) {
      if (!(ops.length > 1 && error instanceof StoreError && error.code === 'CONDITION_FAILED')) throw error;
      // the count lost a race: one uncounted invocation, still recorded
      await this.store.transact(ops.slice(-1));
    }
    return true;
  }

  private recordOf(route: string, method: string, observation: IdentityObservation): InvocationRecord {
    return invocationSchema.parse({ at: this.now(), route, method: method.slice(0, METHOD_CHARS), ...pick(observation) });
  }

  private recordOp(record: InvocationRecord): TxOp {
    const key = `${INVOCATION_PREFIX}${String(record.at).padStart(15, '0')}:${Math.random().toString(36).slice(2, 10)}`;
    // a fresh key: `absent` lets Forge check it without reading it first
    return { op: 'put', key, value: record, condition: { kind: 'absent' }, ttlSeconds: INVOCATION_TTL_SECONDS };
  }

  async recordRefusal(refusal: Omit<RefusalRecord, 'at'>): Promise<void> {
    const at = this.now();
    const record = refusalSchema.parse({ at, ...refusal });
    const key = `${REFUSAL_PREFIX}${String(at).padStart(15, '0')}:${Math.random().toString(36).slice(2, 10)}`;
    await this.store.transact([{ op: 'put', key, value: record, condition: { kind: 'absent' }, ttlSeconds: INVOCATION_TTL_SECONDS }]);
  }

  async recordObservation(assumption: ObservedAssumption, holds: boolean): Promise<void> {
    await this.store.transact([{ op: 'put', key: `${OBSERVATION_PREFIX}${assumption}`, value: { holds, at: this.now() }, ttlSeconds: OBSERVATION_TTL_SECONDS }]);
  }

  async summary(): Promise<DiagnosticsSummary> {
    const [page, refusalPage, observed] = await Promise.all([
      this.store.query({ prefix: INVOCATION_PREFIX, order: 'desc', limit: RECENT_RECORDS }),
      this.store.query({ prefix: REFUSAL_PREFIX, order: 'desc', limit: RECENT_REFUSALS }),
      this.store.getMany(Object.keys(CONFLUENCE_ASSUMPTIONS).map((k) => `${OBSERVATION_PREFIX}${k}`)),
    ]);
    // re-validated on read; an unreadable record is left out rather than failing the panel
    const records = page.items.flatMap((i) => {
      const parsed = invocationSchema.safeParse(i.value);
      return parsed.success ? [parsed.data] : [];
    });
    const byKey = new Map(observed.map((i) => [i.key.slice(OBSERVATION_PREFIX.length), observationSchema.safeParse(i.value)]));
    const verdictOf = (v: boolean | undefined): AssumptionState['observed'] => (v === undefined ? 'unobserved' : v ? 'holds' : 'refuted');
    return {
      invocations: records.map(({ contextTokenPresent: _omit, ...rest }) => rest),
      identityFailures: records.filter((r) => r.identityFailed).length,
      refusals: refusalPage.items.flatMap((i) => {
        const parsed = refusalSchema.safeParse(i.value);
        return parsed.success ? [parsed.data] : [];
      }),
      assumptions: [
        ...INVOCATION_ASSUMPTIONS.map((a) => ({ key: a.key, description: a.description, observed: verdictOf(a.verdict(records)) })),
        ...(Object.entries(CONFLUENCE_ASSUMPTIONS) as Array<[ObservedAssumption, string]>).map(([key, description]) => {
          const parsed = byKey.get(key);
          return { key, description, observed: verdictOf(parsed?.success ? parsed.data.holds : undefined) };
        }),
      ],
    };
  }
}

function pick(o: IdentityObservation) {
  return {
    principalSource: o.principalSource,
    clientIdSource: o.clientIdSource,
    contextTokenPresent: o.contextTokenPresent,
    tokenClaimNames: o.tokenClaimNames,
    headerNames: o.headerNames,
    ...(o.tokenAccountRefused ? { tokenAccountRefused: o.tokenAccountRefused } : {}),
    identityFailed: o.identityFailed,
  };
}
