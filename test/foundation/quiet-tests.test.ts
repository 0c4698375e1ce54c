/**
 * `npm test` is quiet (issue 25 #17): every Jest project installs the console guard, and the guard
 * turns a stray console line into a failure that names the line instead of printing it.
 */
import { createRequire } from 'node:module';
import { guardConsole, installedGuard } from '../support/quiet-console';

const config = createRequire(__filename)('../../jest.config.js') as { projects: Array<{ displayName: string; setupFilesAfterEnv?: string[] }> };

test('every Jest project runs with the console guard', () => {
  for (const project of config.projects) {
    expect({ project: project.displayName, setup: project.setupFilesAfterEnv }).toEqual({ project: project.displayName, setup: ['<rootDir>/test/support/quiet-console.ts'] });
  }
});

test('in this file, console methods record instead of print, and the lines are handed over once', () => {
  const guard = installedGuard();
  expect(guard).toBeDefined();
  console.warn('[approvalflow] job failed', { kind: 'notify.submitted' });
  console.log('verdict: %d violations', 0);
  // taken here, so this test does not fail for them
  expect(guard!.take()).toEqual(["console.warn: [approvalflow] job failed { kind: 'notify.submitted' }", 'console.log: verdict: 0 violations']);
  expect(guard!.take()).toEqual([]);
});

test('a guarded console prints nothing and keeps each method', () => {
  const fake = { log: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };
  const originals = { ...fake };
  const guard = guardConsole(fake);
  fake.error('boom');
  fake.debug('detail');
  for (const original of Object.values(originals)) expect(original).not.toHaveBeenCalled();
  expect(guard.take()).toEqual(['console.error: boom', 'console.debug: detail']);
  guard.release();
  fake.log('after the last check');
  expect(originals.log).toHaveBeenCalledWith('after the last check');
  expect(guard.take()).toEqual([]);
});

test('a test that expects a log line spies on it, and the spy takes the line', () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  console.warn('expected line');
  expect(warn).toHaveBeenCalledWith('expected line');
  warn.mockRestore();
  expect(installedGuard()!.take()).toEqual([]);
});
