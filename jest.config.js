/**
 * Three Jest projects (`npx jest` runs all; `npm run test:unit` is the fast inner loop):
 *  - browser:     Chromium against the local runtime (test/browser);
 *  - integration: real servers, processes and SQLite files (test/local, test/store), and the full
 *                 @forge/manifest validation;
 *  - unit:        everything else under test/ (in-memory store and local site, no servers), so a
 *                 new test folder runs by default.
 * Type-checking is a separate step (`npm run typecheck`); ts-jest only transpiles (isolatedModules in
 * tsconfig). It reads tsconfig.json but emits plain CommonJS: Jest loads modules with its own
 * `require`, so a dynamic `import()` must become a require too (under node16 it would stay a native
 * import, which Jest's VM refuses without --experimental-vm-modules).
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10' } }] },
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // `npm test` is quiet: an unexpected console line fails the test that printed it
  setupFilesAfterEnv: ['<rootDir>/test/support/quiet-console.ts'],
};

const INTEGRATION = ['<rootDir>/test/local/', '<rootDir>/test/store/', '<rootDir>/test/foundation/manifest\\.test\\.ts'];

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', ...INTEGRATION] },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/(?!local/|store/|foundation/manifest\\.test\\.ts)'],
    },
    { ...shared, displayName: 'browser', roots: ['<rootDir>/test/browser'] },
  ],
};
