/** `npm start`'s entry point: starts, prints a curl command that works as printed, stops on SIGTERM. */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const REPO = join(__dirname, '../..');

it('prints a ready-to-paste curl command that answers the page status', async () => {
  const child = spawn(process.execPath, [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'local/main.ts'), '--memory', '--port', '0'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner in time; stderr: ${err}`)), 20000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (/^curl -s -X POST/m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    expect(out).toMatch(/Confluence site: +http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/\/svc\/confluence\/[^/]+\/apps\/[0-9a-f-]+_[0-9a-f-]+/);
    expect(out).toMatch(/\/gateway\/api\/svc\/confluence\/apps\/[0-9a-f-]+_[0-9a-f-]+/);

    const statusCommand = out.split('\n').find((line) => line.startsWith('curl -s -H'))!;
    const status = JSON.parse(execFileSync('sh', ['-c', statusCommand], { encoding: 'utf8' }));
    expect(status).toMatchObject({ success: true, pageId: '2001' });

    const mintCommand = out.split('\n').find((line) => line.startsWith('curl -s -X POST'))!;
    const minted = JSON.parse(execFileSync('sh', ['-c', mintCommand], { encoding: 'utf8' }));
    expect(minted).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 30000);

describe('issue 25 finding 18: npm start refuses fast, and says what would work', () => {
  const run = (args: string[]) => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [join(REPO, 'node_modules/tsx/dist/cli.mjs'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    return { ...result, ms: Date.now() - started };
  };

  it('a bad --profile lists the valid names, before any UI build', () => {
    const r = run([join(REPO, 'local/main.ts'), '--build-ui', '--memory', '--profile', 'no-such-profile']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no platform profile "no-such-profile".*the profiles are: .*documented.*strict/);
    expect(r.stdout).not.toMatch(/Building the Custom UI/);
  });

  it('a busy port is refused before the UI build', async () => {
    const busy = createServer();
    await new Promise<void>((listening) => busy.listen(0, '127.0.0.1', listening));
    try {
      const port = (busy.address() as AddressInfo).port;
      const r = run([join(REPO, 'local/main.ts'), '--build-ui', '--memory', '--port', String(port)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/port .* in use.*stop the other process or set PORT/);
      expect(r.stdout).not.toMatch(/Building the Custom UI/);
    } finally {
      busy.close();
    }
  });

  it('register-integration --help prints its usage and the known scopes', () => {
    const r = run([join(REPO, 'local/cli/register-integration.ts'), '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run local:register-integration -- --name/);
    expect(r.stdout).toMatch(/known scopes: .*read:approval:custom/);
  });
});
