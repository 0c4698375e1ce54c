/**
 * `npm test` is quiet (README; issue 25 #17): every Jest file runs with this guard
 * (jest.config.js `setupFilesAfterEnv`). A console line that no test asked for fails the test that
 * printed it (or the file, when a hook printed it), with the line in the failure message instead of
 * on the terminal. A test that expects a log line opts in explicitly by spying on it and asserting
 * it: `jest.spyOn(console, 'warn').mockImplementation(...)`; the spy replaces the guard until restored.
 */
import { format } from 'node:util';

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

export interface ConsoleGuard {
  /** The lines printed since the last call, then forgets them. */
  take(): string[];
  /** From now on, print as before (lines after the file's last check are shown, never swallowed). */
  release(): void;
}

/** Replaces `target`'s printing methods with ones that record instead of print. */
export function guardConsole(target: Pick<Console, (typeof METHODS)[number]>): ConsoleGuard {
  let lines: string[] = [];
  let released = false;
  for (const method of METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => (released ? original(...args) : void lines.push(`console.${method}: ${format(...args)}`));
  }
  return {
    take() {
      const taken = lines;
      lines = [];
      return taken;
    },
    release() {
      released = true;
    },
  };
}

function failOnLines(guard: ConsoleGuard, where: string): void {
  const lines = guard.take();
  if (lines.length > 0) {
    throw new Error(`${where} printed to the console without expecting it (spy on the method and assert the line if it is intended):\n${lines.join('\n')}`);
  }
}

// Runs as a setup file (jest.config.js); as a plain import (the guard's own test) it only exports.
if (typeof afterEach === 'function' && !(globalThis as { __afConsoleGuard?: ConsoleGuard }).__afConsoleGuard) {
  const guard = guardConsole(console);
  (globalThis as { __afConsoleGuard?: ConsoleGuard }).__afConsoleGuard = guard;
  afterEach(() => failOnLines(guard, 'This test'));
  // Hooks inside describe blocks run before this one; a top-level afterAll of the test file runs
  // after it, so what that prints is shown as usual.
  afterAll(() => {
    guard.release();
    failOnLines(guard, 'A beforeAll/afterAll hook of this file');
  });
}

/** The guard installed for this test file (for the guard's own test). */
export function installedGuard(): ConsoleGuard | undefined {
  return (globalThis as { __afConsoleGuard?: ConsoleGuard }).__afConsoleGuard;
}
