/**
 * Opaque list cursors (SPEC §9). The engine's cursor (which names store keys) is encrypted and
 * authenticated with AES-256-GCM under a per-installation secret kept in the app store; the
 * additional data binds it to the operation, the caller and the query. A forged, altered, expired or
 * replayed-elsewhere cursor fails to open (400 INVALID_CURSOR), and a cursor reveals nothing.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { StoreError, type KeyValueStore } from '../../core/ports/store';
import { canonicalJson } from '../../core/domain/canonical-json';

const SECRET_KEY = 'edge:secret:cursor';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A cursor older than this is refused: paging is interactive, and stale cursors are replay material. */
export const CURSOR_TTL_MS = 24 * 60 * 60 * 1000;

const SecretSchema = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
const PayloadSchema = z.object({ c: z.string(), t: z.number() });

/** What a cursor is bound to: the operation, the caller, and every query parameter except cursor and limit. */
export interface CursorBinding {
  operation: string;
  accountId: string;
  query: Record<string, unknown>;
}

export type CursorStore = Pick<KeyValueStore, 'get' | 'transact'>;

function invalidCursor(): DomainError {
  return new DomainError('INVALID_CURSOR', 'The cursor is not valid; start again without a cursor.');
}

function bindingDigest(binding: CursorBinding): Buffer {
  const { cursor: _c, limit: _l, ...query } = binding.query;
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
  return createHash('sha256').update(canonicalJson([binding.operation, binding.accountId, defined])).digest();
}

export class CursorSeal {
  private readonly now: () => number;
  /** One read of the secret per request at most (a list call may both open and seal). */
  private loaded?: Promise<Buffer>;

  constructor(
    private readonly store: CursorStore,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A seal for one request: shares the store and clock, reads the secret at most once. */
  forRequest(): CursorSeal {
    return new CursorSeal(this.store, { now: this.now });
  }

  /**
   * Creates the installation's paging secret now if it is missing: a runtime that prepares it at
   * start answers a paged read even when its store has since filled up (sealing then writes nothing).
   */
  async prepare(): Promise<void> {
    await this.secret();
  }

  private secret(): Promise<Buffer> {
    this.loaded ??= this.loadSecret();
    // A failed read is not remembered: the next call tries again.
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  /** The installation's secret; created on first use (create-if-absent, so racing creators agree). */
  private async loadSecret(): Promise<Buffer> {
    for (let round = 0; round < 2; round++) {
      const existing = await this.store.get(SECRET_KEY);
      const parsed = existing ? SecretSchema.safeParse(existing.value) : undefined;
      if (parsed?.success) return Buffer.from(parsed.data.key, 'base64url');
      const key = randomBytes(32).toString('base64url');
      try {
        const condition = existing ? { kind: 'version' as const, version: existing.version } : { kind: 'absent' as const };
        await this.store.transact([{ op: 'put', key: SECRET_KEY, value: { key }, condition }]);
        return Buffer.from(key, 'base64url');
      } catch (err) {
        if (!(err instanceof StoreError && err.code === 'CONDITION_FAILED')) throw err;
      }
    }
    throw new DomainError('UPSTREAM_UNAVAILABLE', 'Could not prepare paging right now; retry shortly.', undefined, 1);
  }

  async seal(engineCursor: string | undefined, binding: CursorBinding): Promise<string | undefined> {
    if (engineCursor === undefined || engineCursor === '') return undefined;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', await this.secret(), iv);
    cipher.setAAD(bindingDigest(binding));
    const body = Buffer.concat([cipher.update(JSON.stringify({ c: engineCursor, t: this.now() }), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The engine cursor inside, or INVALID_CURSOR (also when older than maxAgeMs). `undefined` in, `undefined` out (first page). */
  async open(sealed: string | undefined, binding: CursorBinding, maxAgeMs: number = CURSOR_TTL_MS): Promise<string | undefined> {
    if (sealed === undefined) return undefined;
    const raw = /^[A-Za-z0-9_-]+$/.test(sealed) ? Buffer.from(sealed, 'base64url') : Buffer.alloc(0);
    // strict decoding: base64url ignores trailing bits (a cursor with a character appended decodes to the
    // same bytes), so only the canonical encoding of the bytes is the cursor (audit B8)
    if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== sealed) throw invalidCursor();
    const key = await this.secret();
    let text: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(bindingDigest(binding));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw invalidCursor();
    }
    const payload = PayloadSchema.safeParse(JSON.parse(text));
    if (!payload.success) throw invalidCursor();
    const age = this.now() - payload.data.t;
    if (age < 0 || age > maxAgeMs) throw invalidCursor();
    return payload.data.c;
  }
}
