/** Writes docs/openapi.json from the route table and zod schemas (`npm run openapi`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildOpenApiDocument } from '../src/transport/api/openapi';

const root = join(__dirname, '..');

/** The app UUID: app.id in manifest.yml without its ari:cloud:ecosystem::app/ prefix. */
export function manifestAppId(): string {
  const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as { app?: { id?: string } };
  const ari = manifest.app?.id ?? '';
  return ari.slice(ari.lastIndexOf('/') + 1);
}

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApiDocument({ appId: manifestAppId() }), null, 2)}\n`;
}

if (require.main === module) {
  const target = join(root, 'docs', 'openapi.json');
  writeFileSync(target, renderOpenApi());
  console.log(`wrote ${target}`);
}
