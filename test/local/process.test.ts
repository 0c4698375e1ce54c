/**
 * `npm start` as a process: one tree that SIGTERM to the npm process itself stops (port freed within
 * 2 s), and one runtime per data directory (a second start exits non-zero with one clear line; a
 * stale lock left by a dead runtime is taken over).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readLock } from '../../local/lock';
import { startLocalRuntime } from '../../local/server';
import { tempDir } from './helpers';

const REPO = join(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

it('stops within 2 s and frees the port when the npm start process itself gets SIGTERM', async () => {
  const port = await freePort();
  const npm = spawn('npm', ['start', '--silent', '--', '--memory'], { cwd: REPO, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout.on('data', (chunk) => (out += chunk));
  npm.stderr.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time: ${out}`)), 90_000);
    const poll = setInterval(() => {
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => {
          if (r.ok) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve();
          }
        },
        () => undefined,
      );
    }, 200);
  });

  const sentAt = Date.now();
  npm.kill('SIGTERM');
  let freed = false;
  while (Date.now() - sentAt < 2000 && !freed) {
    freed = await portIsFree(port);
    if (!freed) await new Promise((r) => setTimeout(r, 50));
  }
  expect(freed).toBe(true);
  await exited;
}, 120_000);

describe('one runtime per data directory', () => {
  it('refuses a second start on the same data directory with one clear line and a non-zero exit', async () => {
    const dir = tempDir();
    const first = await startLocalRuntime({ port: 0, dataDir: dir.path });
    try {
      expect(readLock(dir.path)).toMatchObject({ pid: process.pid, url: first.url });
      const second = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'local/main.ts'), '--port', '0', '--data-dir', dir.path], { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
      expect(second.status).toBe(1);
      const lines = second.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        `local runtime failed to start: ${dir.path} is in use by another local runtime (pid ${process.pid}, ${first.url}); stop it or pass --data-dir <other dir>.`,
      );
      // the first runtime is untouched
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    } finally {
      await first.close();
      dir.remove();
    }
  }, 40_000);

  it('takes over a stale lock whose owner is gone, and removes its own lock on close', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir.path, 'runtime.lock'), JSON.stringify({ pid: dead, url: 'http://127.0.0.1:1' }));
    const runtime = await startLocalRuntime({ port: 0, dataDir: dir.path });
    try {
      expect(readLock(dir.path)?.pid).toBe(process.pid);
    } finally {
      await runtime.close();
    }
    expect(readLock(dir.path)).toBeUndefined();
    dir.remove();
  });
});
