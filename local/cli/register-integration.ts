/**
 * Registers a local 3LO integration (what the Atlassian developer console does for a real one).
 *   npm run local:register-integration -- --name "CI bot" --redirect-uri http://localhost:9000/cb \
 *     --scopes "read:forge-app:confluence read:approval:custom" [--data-dir .approvalflow]
 * Prints the client id and the client secret (shown once; only its hash is stored).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readLock } from '../lock';
import { IntegrationRegistry } from '../server/integrations';
import { loadScopeCatalog, splitScopes } from '../server/scopes';

const USAGE = 'usage: npm run local:register-integration -- --name <name> --redirect-uri <url> [--redirect-uri <url>...] --scopes "<scope> <scope>..." [--data-dir <dir>]';

function main(): void {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      scopes: { type: 'string' },
      'data-dir': { type: 'string', default: '.approvalflow' },
    },
    strict: true,
  });
  const catalog = loadScopeCatalog();
  const help = `${USAGE}\nRegisters a local 3LO integration (client id and secret) with the runtime of that data directory.\nknown scopes: ${[...catalog.keys()].join(' ')}`;
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return;
  }
  if (!values.name || !values['redirect-uri'] || !values.scopes) throw new Error(help);
  const dataDir = resolve(values['data-dir'] ?? '.approvalflow');
  const registry = IntegrationRegistry.forDataDir(dataDir, new Set(catalog.keys()));
  const { integration, clientSecret } = registry.register({
    name: values.name,
    redirectUris: values['redirect-uri'],
    scopes: splitScopes(values.scopes),
  });
  // the runtime that owns this data directory says where it listens; else PORT, else the default
  const runtimeUrl = readLock(dataDir)?.url ?? `http://127.0.0.1:${process.env.PORT ?? '8787'}`;
  const authorize = new URL(`${runtimeUrl}/authorize`);
  authorize.search = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: integration.clientId,
    scope: integration.scopes.join(' '),
    redirect_uri: integration.redirectUris[0],
    state: 'any-state',
    response_type: 'code',
    prompt: 'consent',
  }).toString();
  process.stdout.write(
    [
      `Registered integration "${integration.name}" in ${dataDir}`,
      `client_id=${integration.clientId}`,
      `client_secret=${clientSecret}`,
      `scopes=${integration.scopes.join(' ')}`,
      `redirect_uris=${integration.redirectUris.join(' ')}`,
      `Authorization URL: ${authorize.toString()}`,
      '',
    ].join('\n'),
  );
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
