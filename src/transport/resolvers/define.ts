/**
 * Typed resolver definitions: each pairs a key (and so its payload schema in schemas.ts and its
 * result type in contract.ts) with the one function that serves it, so the compiler checks all three.
 */
import type { Caller } from '../../core/domain/caller';
import { FIELD_LIMITS } from '../../core/domain/limits';
import { DomainError } from '../../core/domain/errors';
import type { Engine } from '../../core/services/engine';
import type { ListCursor } from '../shared/edge';
import type { ClientContext } from './context';
import type { ResolverData } from './contract';
import type { ResolverInput, ResolverKey } from './schemas';
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
  /** cursors bound to `operation`, this caller and `query` (pass the resolved ids, not the raw payload) */
  listCursor(operation: ResolverKey, query: Record<string, unknown> & { cursor?: string }): ListCursor;
}

export interface ResolverDefinition<K extends ResolverKey = ResolverKey> {
  key: K;
  /** counts against the write rate limits */
  writes: boolean;
  // Method syntax on purpose: a concrete definition must be assignable to the erased one.
  run(input: ResolverInput<K>, env: ResolverEnv): Promise<ResolverData[K]>;
}

export function defineResolver<K extends ResolverKey>(
  key: K,
  options: { writes: boolean },
  run: (input: ResolverInput<K>, env: ResolverEnv) => Promise<ResolverData[K]>,
): ResolverDefinition<K> {
  return { key, writes: options.writes, run };
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
