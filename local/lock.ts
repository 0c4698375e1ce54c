/**
 * One runtime per data directory: `<dataDir>/runtime.lock` holds the owner's pid and URL. A lock
 * whose pid is gone (a killed runtime) is stale and taken over; a live one refuses the start. The
 * URL also tells `npm run local:register-integration` which port the running runtime listens on.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'runtime.lock';

export interface LockInfo {
  pid: number;
  url?: string;
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

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as Partial<LockInfo>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  /** Records the runtime's URL once it listens. */
  setUrl(url: string): void;
  release(): void;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      return {
        setUrl: (url) => writeFileSync(file, JSON.stringify({ pid: process.pid, url })),
        release: () => {
          if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readLock(dataDir);
      if (owner && owner.pid !== process.pid && alive(owner.pid)) throw new DataDirLockedError(dataDir, owner);
      // stale (owner gone, or an unreadable file left by a crash during the write): take it over
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
