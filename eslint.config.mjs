import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Node-only names the Custom UI must not use: it runs in the browser (static/tsconfig.json has Node types only for the server modules it checks). */
const NODE_GLOBALS = ['Buffer', 'process', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate'].map((name) => ({
  name,
  message: 'static/src runs in the browser; Node globals do not exist there.',
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'static/dist/**', '.approvalflow/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Type information from the nearest tsconfig.json of each file: tsconfig.json (server),
        // src/core/tsconfig.json, static/tsconfig.json (UI), test/browser/tsconfig.json. The Vite config
        // belongs to none of them and is checked with its own.
        projectService: { allowDefaultProject: ['static/vite.config.ts'], defaultProject: 'static/tsconfig.node.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A switch over a union must name every member; a `default` counts as handling the rest.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Off on purpose: our fakes and in-process adapters implement async ports with `async` methods
      // that need no `await` (MemoryStore, SqliteStore, test doubles). `async` is what turns their
      // synchronous throws into rejections, as the real adapter's would be; dropping it would change
      // behaviour, and Promise.resolve() wrappers would say less.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and benchmarks read untyped JSON (JSON.parse, Response.json(): `any`) and check it with
    // expect() or just time it; typing every body for the no-unsafe-* rules would add casts, not
    // safety. Every other rule applies.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['static/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['static/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-globals': ['error', ...NODE_GLOBALS],
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'static/src runs in the browser.' }] }],
    },
  },
  {
    // The domain core must not know about Forge (also held by test/foundation/architecture.test.ts).
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@forge/*'] }] },
  },
);
