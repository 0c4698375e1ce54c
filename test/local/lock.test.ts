/**
 * Issue 25 finding 10: `local/lock.ts` takes over a stale lock atomically (a starter acting on an
 * outdated reading never removes the lock another starter has just taken) and treats a lock naming
 * a pid now reused by another process as stale (it used to block every start until someone deleted it by hand).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE, processStartTime, readLock, takeOver } from '../../local/lock';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'af-lock-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

it('a lock naming a live pid that another process reuses (different start time) is stale and taken over', () => {
  const dir = tempDir();
  // pid 1 is alive, but it is not the runtime that wrote this lock: its start time differs
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, startedAt: 'not-its-start-time', url: 'http://127.0.0.1:1' }));
  const lock = acquireDataDirLock(dir);
  expect(readLock(dir)).toMatchObject({ pid: process.pid, startedAt: processStartTime(process.pid) });
  lock.release();
  expect(readLock(dir)).toBeUndefined();
});

it('a lock of a live runtime (same pid, same start time) still refuses the start', () => {
  const dir = tempDir();
  const held = acquireDataDirLock(dir);
  const owner = readLock(dir)!;
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...owner, pid: process.ppid, startedAt: processStartTime(process.ppid) }));
  expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
  held.release();
});

it('a starter whose reading of a stale lock is outdated (another starter took it over meanwhile) leaves the fresh lock alone', () => {
  const dir = tempDir();
  const file = join(dir, LOCK_FILE);
  const stale = JSON.stringify({ pid: 2 ** 22 + 7 });
  writeFileSync(file, stale);
  // starter B takes the stale lock over first...
  const b = acquireDataDirLock(dir);
  const fresh = readFileSync(file, 'utf8');
  // ...then starter A, which judged the old file stale, acts on what it read: it must not remove B's lock
  expect(takeOver(file, stale)).toBe(false);
  expect(readFileSync(file, 'utf8')).toBe(fresh);
  expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  expect(() => acquireDataDirLock(dir)).not.toThrow(); // same pid: this process already owns it
  b.release();
});
