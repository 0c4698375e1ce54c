/**
 * Resolvers the Custom UI needs to show only what a person can do (SPEC §6): capabilities per
 * surface, the preflight for a chosen workflow, page titles for lists and name search for pickers. Same rules as the other
 * resolvers: identity only from the platform context, strict zod payloads, the REST envelope.
 * Registered by createResolverHandler (index.ts) with the same failure/invalid mapping.
 */
import type Resolver from '@forge/resolver';
import { z } from 'zod';
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { PreflightResult } from '../../core/domain/model';
import type { DirectoryEntry } from '../../core/ports/directory';
import type { Engine, EngineFactory, PageCapabilities, SpaceCapabilities } from '../../core/services/engine';
import type { ResolverFailure } from './contract';

const id = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9_.:@-]+$/, 'must be an id');

export const uiSupportSchemas = {
  'ui.capabilities': z.strictObject({ surface: z.enum(['page', 'space', 'admin']), pageId: id.optional(), spaceId: id.optional() }),
  'ui.changeSetCapabilities': z.strictObject({ changeSetId: id }),
  'ui.preflight': z.strictObject({ pageId: id.optional(), workflowId: id.optional() }),
  'ui.pageTitles': z.strictObject({ pageIds: z.array(id).max(100), spaceIds: z.array(id).max(50).optional() }),
  'ui.search': z.strictObject({ kind: z.enum(['user', 'group', 'page', 'space']), query: z.string().trim().min(1).max(100), spaceId: id.optional() }),
} as const;

export type UiSupportKey = keyof typeof uiSupportSchemas;
export type UiSupportPayload<K extends UiSupportKey> = z.input<(typeof uiSupportSchemas)[K]>;

export interface AdminCapabilities {
  readAudit: boolean;
  verifyChain: boolean;
  exportAudit: boolean;
}

export interface UiSupportData {
  'ui.capabilities':
    | { surface: 'page'; page: PageCapabilities }
    | { surface: 'space'; space: SpaceCapabilities }
    | { surface: 'admin'; admin: AdminCapabilities };
  'ui.changeSetCapabilities': { changeSetId: string; update: boolean; submit: boolean; archive: boolean };
  'ui.preflight': { result: PreflightResult };
  'ui.pageTitles': { pages: Record<string, { title: string; spaceId: string }>; spaces: Record<string, { key: string; name: string }> };
  'ui.search': { results: DirectoryEntry[] };
}

// Only the extension ids of the (untrusted) client context, as defaults; the engine re-checks rights.
const idLike = z.union([z.string(), z.number()]).transform(String);
const clientContext = z.object({
  extension: z.object({ content: z.object({ id: idLike.optional() }).optional(), space: z.object({ id: idLike.optional() }).optional() }).optional(),
});
type Ids = { pageId?: string; spaceId?: string };

function contextIds(context: Record<string, unknown>): Ids {
  const parsed = clientContext.safeParse(context);
  const extension = parsed.success ? parsed.data.extension : undefined;
  return { pageId: extension?.content?.id, spaceId: extension?.space?.id };
}

function required(value: string | undefined, what: 'page' | 'space'): string {
  if (value) return value;
  throw what === 'page'
    ? new DomainError('invalid', 'PAGE_ID_REQUIRED', 'No page was given and this view is not on a page.')
    : new DomainError('invalid', 'SPACE_ID_REQUIRED', 'No space was given and this view is not in a space.');
}

type Handlers = {
  [K in UiSupportKey]: (input: z.output<(typeof uiSupportSchemas)[K]>, engine: Engine, caller: Caller, ids: Ids) => Promise<UiSupportData[K]>;
};

const handlers: Handlers = {
  'ui.capabilities': async (input, engine, caller, ids) => {
    if (input.surface === 'page') return { surface: 'page', page: await engine.capabilities.page(caller, required(input.pageId ?? ids.pageId, 'page')) };
    if (input.surface === 'space') return { surface: 'space', space: await engine.capabilities.space(caller, required(input.spaceId ?? ids.spaceId, 'space')) };
    return { surface: 'admin', admin: await engine.capabilities.admin(caller) };
  },
  'ui.changeSetCapabilities': async (input, engine, caller) => engine.capabilities.changeSet(caller, input.changeSetId),
  'ui.preflight': async (input, engine, caller, ids) => ({
    result: await engine.approvals.preflightPage(caller, required(input.pageId ?? ids.pageId, 'page'), input.workflowId),
  }),
  'ui.pageTitles': async (input, engine, caller) => {
    const [pages, spaces] = await Promise.all([
      input.pageIds.length ? engine.capabilities.pageTitles(caller, input.pageIds) : {},
      input.spaceIds?.length ? engine.capabilities.spaceNames(caller, input.spaceIds) : {},
    ]);
    return { pages, spaces };
  },
  'ui.search': async (input, engine, caller, ids) => ({
    results: await engine.directory.search(caller, input.kind, input.query, input.kind === 'page' ? { spaceId: required(input.spaceId ?? ids.spaceId, 'space') } : {}),
  }),
};

/** Adds the ui.* keys to the app's resolver, reusing its error mapping so every key fails alike. */
export function defineUiSupport(
  resolver: Resolver,
  getEngine: EngineFactory,
  failure: (key: string, err: unknown) => ResolverFailure,
  invalid: (issues: readonly z.core.$ZodIssue[]) => ResolverFailure,
): void {
  for (const key of Object.keys(handlers) as UiSupportKey[]) {
    resolver.define(key, async (req: { payload: unknown; context: Record<string, unknown> }) => {
      try {
        const accountId = req.context.accountId;
        if (typeof accountId !== 'string' || accountId.length === 0) {
          return { success: false, error: 'You must be logged in to do this.', code: 'UNAUTHENTICATED' } satisfies ResolverFailure;
        }
        const parsed = uiSupportSchemas[key].safeParse(req.payload ?? {});
        if (!parsed.success) return invalid(parsed.error.issues);
        const run = handlers[key] as (input: unknown, engine: Engine, caller: Caller, ids: Ids) => Promise<object>;
        const data = await run(parsed.data, getEngine({ actingAccountId: accountId }), { accountId, source: 'ui' }, contextIds(req.context));
        return { success: true, ...data };
      } catch (err) {
        return failure(key, err);
      }
    });
  }
}
