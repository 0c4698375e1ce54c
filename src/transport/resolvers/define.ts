/**
 * Typed resolver definitions: one binding row carries a key, its strict payload schema and the one
 * function that serves it, whose return annotation is the result the UI receives. The UI's types
 * (registry.ts: ResolverKey, ResolverPayload, ResolverData) are derived from these rows.
 */
import type { z } from 'zod';
import type { Caller } from '../../core/domain/caller';
import { FIELD_LIMITS } from '../../core/domain/limits';
import { DomainError } from '../../core/domain/errors';
import type { Engine } from '../../core/services/engine';
import type { ListCursor } from '../shared/edge';
import type { ClientContext } from './context';
import type { DiagnosticsLog } from '../diagnostics/diagnostics-log';

export interface ResolverOptions {
  /** Forge app id (uuid part) for the REST base URLs shown on the admin page. */
  appId?: string;
  /** The platform's own app and environment ids (Forge: getAppContext()); preferred over appId and the client context. */
  appContext?: () => { appId?: string; environmentId?: string };
  /** Platform diagnostics (admin.diagnostics; the composition keeps them). */
  diagnostics: DiagnosticsLog;
  /** Clock for analytics windows; defaults to Date.now. */
  now?: () => number;
}

export interface ResolverEnv {
  engine: Engine;
  caller: Caller;
  client: ClientContext;
  options: ResolverOptions;
  /**
   * cursors bound to `operation` (the resolver key that continues the list), this caller and `query`
   * (pass the resolved ids, not the raw payload). A string, not the derived key type: the rows that
   * call it are what that type is derived from.
   */
  listCursor(operation: string, query: Record<string, unknown> & { cursor?: string }): ListCursor;
}

/** The erased form the pipeline iterates; the surfaces keep each row's precise type for the derivation. */
export interface ResolverDefinition<K extends string = string, S extends z.ZodType = z.ZodType, R extends object = object> {
  key: K;
  /** counts against the write rate limits */
  writes: boolean;
  /** the strict payload schema (core/domain/fields.ts rules; unknown keys refused: identity comes only from the platform) */
  input: S;
  // Method syntax on purpose: a concrete definition must be assignable to the erased one.
  run(input: z.output<S>, env: ResolverEnv): Promise<R>;
}

/**
 * One binding row: `defineResolver('approval.reset', { writes: true, input: z.strictObject({ pageId: confluenceId }) },
 * async (input, env): Promise<{ pageId: string }> => …)`. Write the result type on `run` (the contract
 * the UI is typed by); the pipeline parses the payload with `input` before `run` sees it.
 */
export function defineResolver<const K extends string, S extends z.ZodType, R extends object>(
  key: K,
  options: { writes: boolean; input: S },
  run: (input: z.output<S>, env: ResolverEnv) => Promise<R>,
): ResolverDefinition<K, S, R> {
  return { key, writes: options.writes, input: options.input, run };
}

/**
 * One page of a list the engine returns whole. The sealed cursor carries the offset; the caller sees
 * at most `limit` items (default FIELD_LIMITS.listPage.default).
 */
export async function sealedPageOfArray<T>(items: T[], listCursor: ListCursor, limit?: number): Promise<{ items: T[]; nextCursor?: string }> {
  const opened = await listCursor.open();
  const offset = opened === undefined ? 0 : Number(opened);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new DomainError('INVALID_CURSOR', 'The cursor is not valid; start again without a cursor.');
  const size = limit ?? FIELD_LIMITS.listPage.default;
  const end = offset + size;
  const nextCursor = end < items.length ? await listCursor.seal(String(end)) : undefined;
  return { items: items.slice(offset, end), ...(nextCursor ? { nextCursor } : {}) };
}
