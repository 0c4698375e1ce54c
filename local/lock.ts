/**
 * One runtime per data directory: `<dataDir>/runtime.lock` holds the owner's pid, its start time and
 * URL. A lock whose owner is gone (a killed runtime, or a pid since reused by another process) is
 * stale and taken over; a live one refuses the start. The URL also tells
 * `npm run local:register-integration` which port the running runtime listens on.
 *
 * Taking over is atomic: the stale file is renamed away (one rename wins) and then checked to be the
 * very file that was judged stale (same content: every lock carries a random nonce; inode numbers
 * are reused at once); a starter that moved a fresh lock instead puts it back.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'runtime.lock';

export interface LockInfo {
  pid: number;
  /** the owner's start time as the OS reports it (Linux: clock ticks since boot), to tell a reused pid */
  startedAt?: string;
  url?: string;
  /** random, so no two locks ever have the same content */
  nonce?: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockInfo,
  ) {
    super(`${dataDir} is in use by another local runtime (pid ${owner.pid}${owner.url ? `, ${owner.url}` : ''}); stop it or pass --data-dir <other dir>.`);
    this.name = 'DataDirLockedError';
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, ...(typeof parsed.startedAt === 'string' ? { startedAt: parsed.startedAt } : {}), ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}) };
  } catch {
    return undefined;
  }
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    return parseLock(readFileSync(join(dataDir, LOCK_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/** When the process started (Linux /proc; elsewhere unknown, and the pid alone decides). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces), starttime is field 22
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(owner: LockInfo): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // a pid reused by another process since the lock was written is not its owner
  const started = owner.startedAt === undefined ? undefined : processStartTime(owner.pid);
  return started === undefined || started === owner.startedAt;
}

/** The runtime holding `dataDir` now, if any (a check before slow work; acquireDataDirLock still decides). */
export function liveOwner(dataDir: string): LockInfo | undefined {
  const owner = readLock(dataDir);
  return owner && owner.pid !== process.pid && alive(owner) ? owner : undefined;
}

export interface DataDirLock {
  /** Records the runtime's URL once it listens. */
  setUrl(url: string): void;
  release(): void;
}

/** Moves the stale lock whose content was `judged` out of the way; false when another starter got there first (exported for its race test). */
export function takeOver(file: string, judged: string): boolean {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (readFileSync(aside, 'utf8') !== judged) {
    // we moved a lock another starter has just written: put it back (never over a newer one)
    try {
      linkSync(aside, file);
    } catch {
      // a third starter wrote one meanwhile; it stands
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const startedAt = processStartTime(process.pid);
  const self: LockInfo = { pid: process.pid, ...(startedAt ? { startedAt } : {}), nonce: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(self));
      closeSync(fd);
      return {
        setUrl: (url) => writeFileSync(file, JSON.stringify({ ...self, url })),
        release: () => {
          if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let judged: string;
      try {
        judged = readFileSync(file, 'utf8');
      } catch {
        continue; // gone meanwhile: try to create it again
      }
      const owner = parseLock(judged);
      if (owner && owner.pid !== process.pid && alive(owner)) throw new DataDirLockedError(dataDir, owner);
      // stale (owner gone, pid reused, or an unreadable file left by a crash during the write)
      takeOver(file, judged);
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
