/**
 * `npm start`: the local runtime on http://127.0.0.1:${PORT:-8787}.
 *   --memory                      keep everything in memory (no data directory)
 *   --port <n>                    port (0 = any free port); default $PORT or 8787
 *   --data-dir <dir>              where the SQLite file and integrations live; default .approvalflow
 *   --profile <file|name>         platform profile (local/profiles/<name>.json); default: documented, or strict
 *   --confluence-429-every <n>    every nth Confluence call of the app answers 429 (Retry-After: 1)
 *   --confluence-latency-ms <n>   added to every Confluence call of the app
 *   --build-ui                    build the Custom UI first (npm start), after the checks that can refuse the start
 * Stops on SIGTERM/SIGINT (npm start execs this process, so `kill <npm pid>` reaches it).
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { relative, resolve } from 'node:path';
import { DataDirLockedError, liveOwner } from './lock';
import { loadPlatformProfile } from './profile';
import { startLocalRuntime, type LocalRuntime } from './server';

const DEMO_SCOPES = ['read:forge-app:confluence', 'read:approval:custom', 'read:change-set:custom'];

function nonNegativeInt(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid ${what}: ${text}`);
  return n;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      memory: { type: 'boolean', default: false },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      profile: { type: 'string' },
      'confluence-429-every': { type: 'string' },
      'confluence-latency-ms': { type: 'string' },
      'build-ui': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const portText = values.port ?? process.env.PORT ?? '8787';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${portText}`);
  return {
    buildUi: values['build-ui'] ?? false,
    memory: values.memory ?? false,
    port,
    dataDir: values['data-dir'],
    profile: values.profile === undefined ? undefined : loadPlatformProfile(values.profile),
    confluenceFaults: {
      rateLimitEvery: nonNegativeInt(values['confluence-429-every'], '--confluence-429-every'),
      latencyMs: nonNegativeInt(values['confluence-latency-ms'], '--confluence-latency-ms'),
    },
  };
}

function banner(runtime: LocalRuntime): string {
  const demo = runtime.tokens.issueAccessToken({ accountId: 'acc-bob', clientId: 'local-cli', scopes: DEMO_SCOPES });
  const [svcBase, siteBase] = runtime.info.apiBaseUrls;
  const devTokenBody = JSON.stringify({ accountId: 'acc-bob', clientId: 'my-cli', scopes: DEMO_SCOPES });
  const data = runtime.dataDir ? `data in ${relative(process.cwd(), runtime.dataDir) || '.'}/ (${runtime.dataDir})` : 'in memory';
  return [
    `ApprovalFlow local runtime ready (${data}; platform profile ${runtime.profile.name})`,
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

/** Whether `port` can be listened on now (0: any free port, always). */
function portFree(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/**
 * What can refuse the start is checked before the UI build (~10 s): the profile (parseOptions), a
 * runtime already on the data directory, a busy port. The start itself checks them again.
 */
async function buildUiAfterChecks(options: ReturnType<typeof parseOptions>): Promise<void> {
  const dataDir = resolve(options.dataDir ?? '.approvalflow');
  const owner = options.memory ? undefined : liveOwner(dataDir);
  if (owner) throw new DataDirLockedError(dataDir, owner);
  if (!(await portFree(options.port))) throw Object.assign(new Error(`port ${options.port} is in use`), { code: 'EADDRINUSE' });
  process.stdout.write('Building the Custom UI...\n');
  const build = spawnSync('npm', ['run', 'build:ui', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the Custom UI build failed (see above)');
}

/** Codes that mean "this directory or file cannot be written" (file system and SQLite). */
const NOT_WRITABLE = /^(EROFS|EACCES|EPERM|SQLITE_READONLY\w*|SQLITE_CANTOPEN)$/;

/** A data directory we cannot write is refused with what to do, not an errno line. */
function notWritable(err: unknown, dataDir: string): Error | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !NOT_WRITABLE.test(code)) return undefined;
  const why = code === 'EROFS' ? 'it is on a read-only file system' : `it cannot be written (${code})`;
  return new Error(`the data directory ${dataDir} is not usable: ${why}. Nothing was changed. Make it writable, choose another --data-dir, or use --memory.`);
}

async function main(): Promise<void> {
  const { buildUi, ...options } = parseOptions();
  if (buildUi) await buildUiAfterChecks({ buildUi, ...options });
  const runtime = await startLocalRuntime(options).catch((err: unknown) => {
    throw (options.memory ? undefined : notWritable(err, resolve(options.dataDir ?? '.approvalflow'))) ?? err;
  });
  process.stdout.write(banner(runtime) + '\n');

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
  // one line: what is wrong and what to do (a stack trace helps nobody here)
  const message = err instanceof DataDirLockedError || err instanceof Error ? err.message : String(err);
  const hint = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (the port is taken: stop the other process or set PORT)' : '';
  console.error(`local runtime failed to start: ${message}${hint}`);
  process.exit(1);
});
