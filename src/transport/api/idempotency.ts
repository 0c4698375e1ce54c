/**
 * Idempotency-Key support for writing POSTs (SPEC §3, anchors §4.1, after Stripe and the IETF draft).
 * A key is scoped to (accountId, clientId, route) so nobody can replay someone else's response.
 * First a create-if-absent 'in_progress' marker is written (with the caller's rate-limit markers); the
 * final response replaces it, in the change's own transaction where the route can pass it to the
 * engine (page submit: answerOps), else in one of its own after the change. Otherwise the marker and
 * the effect are NOT one transaction: a crash between them leaves a marker that another attempt may
 * take over after the lease; the engine's own state checks (pending approval, version conditions)
 * keep such a retry from doubling a submission.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { StoreError, type KeyValueStore, type StoredItem, type TxOp } from '../../core/ports/store';
// RFC 8785, the same canonical form as audit hashes: a retry that reorders keys is the same request.
import { canonicalJson } from '../../core/domain/canonical-json';
import { transactWithRider, type Rider } from './rider';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Longer than the Forge 25 s invocation limit: a marker older than this belongs to a dead invocation. */
export const IN_PROGRESS_LEASE_MS = 60_000;
const KEY_PREFIX = 'idem:';

export interface StoredResponse {
  statusCode: number;
  body: string;
}

/**
 * A replay must answer the first response itself (SPEC §3), which no digest can rebuild, so the
 * record keeps it; a large one (a 100-result change-set submit, ~57 KB of repetitive JSON) is kept
 * deflated, a few KB: one Forge write unit instead of six (issue 23).
 */
const DEFLATE_FROM_BYTES = 2 * 1024;
/** Past the largest response a route answers (5 MB invoke limit): a record never inflates beyond it. */
const MAX_INFLATED_BYTES = 5 * 1024 * 1024;
const StoredResponseSchema = z.union([
  z.object({ statusCode: z.number().int(), body: z.string() }).strict(),
  z.object({ statusCode: z.number().int(), bodyDeflated: z.string() }).strict(),
]);
const RecordSchema = z.object({
  state: z.enum(['in_progress', 'done']),
  fingerprint: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  response: StoredResponseSchema.optional(),
});
type IdempotencyRecord = z.infer<typeof RecordSchema>;

function toStored(response: StoredResponse): z.infer<typeof StoredResponseSchema> {
  if (Buffer.byteLength(response.body, 'utf8') < DEFLATE_FROM_BYTES) return response;
  return { statusCode: response.statusCode, bodyDeflated: deflateRawSync(response.body).toString('base64') };
}

/** The response a record holds; undefined when it cannot be read back (treated like an unreadable record). */
function fromStored(stored: z.infer<typeof StoredResponseSchema>): StoredResponse | undefined {
  if ('body' in stored) return stored;
  try {
    return { statusCode: stored.statusCode, body: inflateRawSync(Buffer.from(stored.bodyDeflated, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8') };
  } catch {
    return undefined;
  }
}

export type IdempotencyOutcome =
  | {
      kind: 'execute';
      /** Stable for (user, client, route, key): lets a create derive its id, so a re-execution after a lost response finds its own result. */
      requestToken: string;
      /** `rider`: ops that may join the answer's record (rider.ts) */
      commit(response: StoredResponse, rider?: Rider): Promise<void>;
      /** The ops that record `response` as done, for a caller that commits them with its own change (instead of commit()). */
      answerOps: (response: StoredResponse) => TxOp[];
      release(): Promise<void>;
    }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  /** `retryAfter`: seconds until the running attempt's lease ends (when a dead attempt's key can be taken over) */
  | { kind: 'in_progress'; retryAfter: number };

/** What the key answers without executing. */
export type Settled = Exclude<IdempotencyOutcome, { kind: 'execute' }>;

/** An attempt of a route whose answer commits with its change (IdempotencyStore.beginWithChange). */
export interface ChangeClaim {
  kind: 'execute';
  requestToken: string;
  /** the answer's record and the rate-limit count, for the change's transaction; asked again after a conflict it reads afresh, and throws AnsweredMeanwhile when the key got its answer meanwhile */
  answerOps: (response: StoredResponse) => Promise<TxOp[]>;
  /** records an answer given without a change (a refusal); undefined when recorded, else what the key answered meanwhile */
  record: (response: StoredResponse, rider?: Rider) => Promise<Settled | undefined>;
  /** commits only the rate-limit count: the attempt executed but nothing recorded its answer (5xx, 429, lost races) */
  countOnly: () => Promise<void>;
}

/** Thrown from a change's transaction planning: another attempt of the key answered first; the request answers that. */
export class AnsweredMeanwhile extends Error {
  constructor(readonly settled: Settled) {
    super('Another attempt with this idempotency key answered first.');
    this.name = 'AnsweredMeanwhile';
  }
}

export interface IdempotencyScope {
  accountId: string;
  clientId?: string;
  routeKey: string;
}

export function fingerprintOf(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** What the idempotency layer needs from a store: reads and conditional single-key writes. */
export type IdempotencyBackend = Pick<KeyValueStore, 'get' | 'transact'>;

/**
 * Ops committed atomically with the claim (the rate-limit count), read with the claim's record
 * (`claimKey`) in one batched get; `also` is that record.
 */
export type Alongside = (claimKey: string) => Promise<{ ops: TxOp[]; also?: StoredItem }>;

export class IdempotencyStore {
  private readonly now: () => number;

  constructor(
    private readonly store: IdempotencyBackend,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private storeKey(scope: IdempotencyScope, key: string): string {
    // Hashing keeps arbitrary client keys within the store's key alphabet and length.
    const digest = createHash('sha256')
      .update(JSON.stringify([scope.accountId, scope.clientId ?? '', scope.routeKey, key]))
      .digest('hex');
    return KEY_PREFIX + digest;
  }

  /**
   * `alongside`: ops committed atomically with the claim (the rate-limit count), only when this call
   * executes, read together with the claim's record (one round trip); asked again each round, so a
   * count that lost its own race (its version moved) is retried with fresh ops. A blocked caller is
   * refused (its error thrown) before anything is written.
   */
  async begin(scope: IdempotencyScope, key: string, fingerprint: string, alongside?: Alongside): Promise<IdempotencyOutcome> {
    const readWith: Alongside = alongside ?? (async (claimKey) => ({ ops: [], also: await this.store.get(claimKey) }));
    const storeKey = this.storeKey(scope, key);
    // Two claim rounds: a lost create race re-reads once and then sees the winner's marker. A round
    // whose claim key did not move lost on an `alongside` condition and does not count.
    let lostClaims = 0;
    let failedAtVersion: number | undefined;
    while (lostClaims < 2) {
      const { ops, also: existing } = await readWith(storeKey);
      if (failedAtVersion !== undefined && (existing?.version ?? 0) !== failedAtVersion) lostClaims += 1;
      const settled = this.judge(existing, fingerprint);
      if (settled) return settled;
      const now = this.now();
      const marker: IdempotencyRecord = { state: 'in_progress', fingerprint, createdAt: now, expiresAt: now + IDEMPOTENCY_TTL_SECONDS * 1000 };
      try {
        await this.store.transact([
          {
            op: 'put',
            key: storeKey,
            value: marker,
            condition: existing ? { kind: 'version', version: existing.version } : { kind: 'absent' },
            ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
          },
          ...ops,
        ]);
      } catch (err) {
        if (err instanceof StoreError && err.code === 'CONDITION_FAILED') {
          failedAtVersion = existing?.version ?? 0;
          continue;
        }
        throw err;
      }
      const markerVersion = existing ? existing.version + 1 : 1;
      return {
        kind: 'execute',
        requestToken: storeKey.slice(KEY_PREFIX.length, KEY_PREFIX.length + 32),
        commit: (response, rider) => this.finish(storeKey, markerVersion, { ...marker, state: 'done', response: toStored(response) }, rider),
        // Conditioned on our own claim (no read before the write on Forge, issue 23). It commits with
        // the change: only an attempt that took the key over after the lease (60 s, past Forge's 25 s
        // limit) can have moved it, and then this change must not commit a second time anyway.
        answerOps: (response) => [
          { op: 'put', key: storeKey, value: { ...marker, state: 'done', response: toStored(response) }, condition: { kind: 'version', version: markerVersion }, ttlSeconds: IDEMPOTENCY_TTL_SECONDS },
        ],
        release: () => this.release(storeKey, markerVersion),
      };
    }
    // lost the claim twice: another attempt has just started, its whole lease is ahead
    return { kind: 'in_progress', retryAfter: IN_PROGRESS_LEASE_MS / 1000 };
  }

  /** What a live record of the key answers by itself (replay, mismatch, a running attempt); undefined: this attempt may execute. */
  private judge(existing: StoredItem | undefined, fingerprint: string): Settled | undefined {
    const parsed = existing ? RecordSchema.safeParse(existing.value) : undefined;
    const now = this.now();
    if (!existing || !parsed?.success || parsed.data.expiresAt <= now) return undefined;
    const record = parsed.data;
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    const response = record.state === 'done' && record.response ? fromStored(record.response) : undefined;
    if (response) return { kind: 'replay', response };
    if (now - record.createdAt < IN_PROGRESS_LEASE_MS) return { kind: 'in_progress', retryAfter: Math.max(1, Math.ceil((record.createdAt + IN_PROGRESS_LEASE_MS - now) / 1000)) };
    return undefined;
  }

  /**
   * For a route whose whole effect is ONE transaction that can carry its answer (page submit, issue
   * 23): no in-progress marker and no claim transaction. The answer's record (create-if-absent, or
   * over the expired or dead record read) and `alongside`'s ops (the rate-limit count) commit with
   * the change. Two attempts with one key both read "no record", but only one transaction can
   * create it: the other's fails, and reading again it answers what the first recorded
   * (AnsweredMeanwhile from `answerOps`, or `record`'s result), so the effect happens once.
   */
  async beginWithChange(scope: IdempotencyScope, key: string, fingerprint: string, alongside: Alongside): Promise<Settled | ChangeClaim> {
    const storeKey = this.storeKey(scope, key);
    const read = async (): Promise<Settled | ((response: StoredResponse) => TxOp[])> => {
      const { ops, also: existing } = await alongside(storeKey);
      const now = this.now();
      const record = (response: StoredResponse): IdempotencyRecord => ({ state: 'done', fingerprint, createdAt: now, expiresAt: now + IDEMPOTENCY_TTL_SECONDS * 1000, response: toStored(response) });
      return (
        this.judge(existing, fingerprint) ??
        ((response) => [
          { op: 'put', key: storeKey, value: record(response), condition: existing ? { kind: 'version', version: existing.version } : { kind: 'absent' }, ttlSeconds: IDEMPOTENCY_TTL_SECONDS },
          ...ops,
        ])
      );
    };
    const first = await read();
    if (typeof first !== 'function') return first;
    let fresh: ((response: StoredResponse) => TxOp[]) | undefined = first;
    // the first call uses the read above; one after a conflict reads again (the conflict may have been on any of its keys)
    const answerOps = async (response: StoredResponse): Promise<TxOp[]> => {
      const build = fresh ?? (await read());
      fresh = undefined;
      if (typeof build !== 'function') throw new AnsweredMeanwhile(build);
      return build(response);
    };
    // An attempt that executed counts against the write limits even when no answer is recorded, as an
    // unkeyed write counts at admission: best effort, one re-read after a conflict on a shard.
    const countOnly = async (): Promise<void> => {
      for (let round = 0; round < 2; round++) {
        try {
          const { ops } = await alongside(storeKey);
          if (ops.length > 0) await this.store.transact(ops);
          return;
        } catch (err) {
          if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED')) return;
        }
      }
    };
    return {
      kind: 'execute',
      requestToken: storeKey.slice(KEY_PREFIX.length, KEY_PREFIX.length + 32),
      answerOps,
      record: async (response, rider) => {
        for (let round = 0; round < 2; round++) {
          try {
            await transactWithRider(this.store, await answerOps(response), round === 0 ? rider : undefined);
            return undefined;
          } catch (err) {
            if (err instanceof AnsweredMeanwhile) return err.settled;
            // as finish(): a failure to record never changes the answer (a retry may execute again)
            if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED')) break;
          }
        }
        // unrecorded (lost twice to other attempts of the key, or the store refused): the answer stays this one's, a retry executes again
        await countOnly();
        return undefined;
      },
      countOnly,
    };
  }

  private async finish(storeKey: string, markerVersion: number, record: IdempotencyRecord, rider?: Rider): Promise<void> {
    try {
      await transactWithRider(this.store, [{ op: 'put', key: storeKey, value: record, condition: { kind: 'version', version: markerVersion }, ttlSeconds: IDEMPOTENCY_TTL_SECONDS }], rider);
    } catch (err) {
      // The effect already happened; the caller still gets its response. A retry may re-execute.
      console.warn('idempotency: could not store the final response', err instanceof StoreError ? err.code : 'unknown');
    }
  }

  /** Drops our marker so a retry can run again (used after throttling or internal errors). */
  private async release(storeKey: string, markerVersion: number): Promise<void> {
    try {
      await this.store.transact([{ op: 'delete', key: storeKey, condition: { kind: 'version', version: markerVersion } }]);
    } catch (err) {
      console.warn('idempotency: could not release the marker', err instanceof StoreError ? err.code : 'unknown');
    }
  }
}
