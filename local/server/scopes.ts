/** Scopes a local 3LO integration may request: the app's custom scopes plus Atlassian's product scopes. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const FORGE_APP_SCOPE = 'read:forge-app:confluence';
export const OFFLINE_ACCESS_SCOPE = 'offline_access';

const CustomScopesSchema = z.object({
  version: z.literal(1),
  scopes: z.record(z.string(), z.object({ displayName: z.string(), description: z.string() })),
});

export interface ScopeInfo {
  scope: string;
  displayName: string;
  description: string;
}

export function loadScopeCatalog(file = resolve(__dirname, '../../custom-scopes.yaml')): Map<string, ScopeInfo> {
  const parsed = CustomScopesSchema.parse(parse(readFileSync(file, 'utf8')));
  const catalog = new Map<string, ScopeInfo>();
  catalog.set(FORGE_APP_SCOPE, {
    scope: FORGE_APP_SCOPE,
    displayName: 'Access Forge app REST APIs in Confluence',
    description: 'Lets the integration call the REST APIs of Forge apps installed on the site.',
  });
  catalog.set(OFFLINE_ACCESS_SCOPE, {
    scope: OFFLINE_ACCESS_SCOPE,
    displayName: 'Stay connected',
    description: 'Keeps access when you are not using the integration (refresh tokens).',
  });
  for (const [scope, info] of Object.entries(parsed.scopes)) catalog.set(scope, { scope, ...info });
  return catalog;
}

export function splitScopes(value: string): string[] {
  return [...new Set(value.split(/[\s+]+/).filter(Boolean))];
}
