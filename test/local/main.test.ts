/** `npm start`'s entry point: starts, prints a curl command that works as printed, stops on SIGTERM. */
import { spawn, execFileSync } from 'node:child_process';
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
