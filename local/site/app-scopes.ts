/**
 * The OAuth scopes the app's manifest grants it (`permissions.scopes`): the local site refuses an
 * app call whose scope is not among them, as Confluence answers a Forge app (docs/forge-platform.md §3).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const manifestScopesSchema = z.object({ permissions: z.object({ scopes: z.record(z.string(), z.unknown()) }) });

export function manifestScopes(file = resolve(__dirname, '../../manifest.yml')): ReadonlySet<string> {
  return new Set(Object.keys(manifestScopesSchema.parse(parse(readFileSync(file, 'utf8'))).permissions.scopes));
}
