/**
 * `npm start`: the local runtime on http://127.0.0.1:${PORT:-8787}.
 *   --memory          keep everything in memory (nothing under .approvalflow/)
 *   --port <n>        port (0 = any free port); default $PORT or 8787
 *   --data-dir <dir>  where the SQLite file and integrations live; default .approvalflow
 */
import { parseArgs } from 'node:util';
import { startLocalRuntime, type LocalRuntime } from './server';

const DEMO_SCOPES = ['read:forge-app:confluence', 'read:approval:custom', 'read:change-set:custom'];

function parseOptions() {
  const { values } = parseArgs({
    options: {
      memory: { type: 'boolean', default: false },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const portText = values.port ?? process.env.PORT ?? '8787';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${portText}`);
  return { memory: values.memory ?? false, port, dataDir: values['data-dir'] };
}

function banner(runtime: LocalRuntime, memory: boolean): string {
  const demo = runtime.tokens.issueAccessToken({ accountId: 'acc-bob', clientId: 'local-cli', scopes: DEMO_SCOPES });
  const [svcBase, siteBase] = runtime.info.apiBaseUrls;
  const devTokenBody = JSON.stringify({ accountId: 'acc-bob', clientId: 'my-cli', scopes: DEMO_SCOPES });
  return [
    `ApprovalFlow local runtime ready (${memory ? 'in memory' : 'data in .approvalflow/'})`,
    ``,
    `  Confluence site:  ${runtime.url}/`,
    `  API base URLs:    ${svcBase}`,
    `                    ${siteBase}`,
    `  Health:           ${runtime.url}/healthz`,
    ``,
    `Try the API as Bob (token valid 1 h, until this process stops):`,
    `curl -s -H 'Authorization: Bearer ${demo.access_token}' '${svcBase}/pages/status?pageId=2001'`,
    ``,
    `Mint your own token:`,
    `curl -s -X POST ${runtime.url}/local/oauth/dev-token -H 'content-type: application/json' -d '${devTokenBody}'`,
    ``,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions();
  const runtime = await startLocalRuntime(options);
  process.stdout.write(banner(runtime, options.memory) + '\n');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the local runtime...\n`);
    runtime.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`local runtime failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
