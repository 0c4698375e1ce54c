/** docs/openapi.json is generated from the zod schemas; it must be committed up to date. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOpenApi } from '../../scripts/generate-openapi';

it('the committed docs/openapi.json equals a fresh generation (run `npm run openapi` after changing routes or schemas)', () => {
  const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8');
  expect(committed).toBe(renderOpenApi());
});

it('is an OpenAPI 3.1 document with both server URL forms and oauth2 on every operation', () => {
  const doc = JSON.parse(renderOpenApi());
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.servers.map((s: { url: string }) => s.url)).toEqual([
    'https://api.atlassian.com/svc/confluence/{cloudId}/apps/{appId}_{envId}',
    'https://{site}.atlassian.net/gateway/api/svc/confluence/apps/{appId}_{envId}',
  ]);
  expect(doc.servers[0].variables.appId.default).toBe('7d3c1f2e-5b6a-4c8d-9e0f-a1b2c3d4e5f6');
  for (const methods of Object.values<Record<string, { security: unknown[]; responses: Record<string, unknown> }>>(doc.paths)) {
    for (const op of Object.values(methods)) {
      expect(op.security).toHaveLength(1);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '429', '500']));
    }
  }
});
