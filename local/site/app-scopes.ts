/**
 * The OAuth scopes the app's manifest grants it (`permissions.scopes`), and which of them allow
 * impersonation (`allowImpersonation: true`): the local site refuses an app call whose scope is not
 * granted, and the Forge bridge refuses `asUser(accountId)` on a scope that does not allow it, as
 * Confluence and the Forge proxy do (docs/forge-platform.md §3).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const DEFAULT_MANIFEST = resolve(__dirname, '../../manifest.yml');
const manifestScopesSchema = z.object({
  permissions: z.object({ scopes: z.record(z.string(), z.object({ allowImpersonation: z.boolean().optional() }).nullable()) }),
});

function scopesOf(file: string) {
  return manifestScopesSchema.parse(parse(readFileSync(file, 'utf8'))).permissions.scopes;
}

export function manifestScopes(file = DEFAULT_MANIFEST): ReadonlySet<string> {
  return new Set(Object.keys(scopesOf(file)));
}

export function impersonationScopes(file = DEFAULT_MANIFEST): ReadonlySet<string> {
  return new Set(Object.entries(scopesOf(file)).flatMap(([scope, options]) => (options?.allowImpersonation ? [scope] : [])));
}
