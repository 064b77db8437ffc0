// ESLint for `npm run lint` (it passes `--config .ci/eslint.config.mjs`: the repository's top level is fixed, so the
// config lives here): ESLint's recommended rules and typescript-eslint's recommended type-aware rules over lib/,
// tiers/, apps/ and test/. imports/ is generated (`cdk8s import`) and is not linted.
//
// typescript-eslint reads types through the TypeScript 6 API: the package named `typescript` is Microsoft's
// `@typescript/typescript6`, while `tsc` is TypeScript 7 (`@typescript/native`), which has no JavaScript API yet.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default defineConfig([
  globalIgnores(['imports/', 'build/', 'dist/', 'cdk.out/', 'coverage/', '.cache/']),
  {
    basePath: root,
    files: ['**/*.ts', '**/*.js'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc's own convention (noUnusedLocals, noUnusedParameters): a name starting with `_` is unused on purpose, as
      // is a property picked out of a destructuring to leave it out of the `...rest`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Off: modules that only some paths need are loaded on first use with a typed `require(...) as typeof
      // import(...)`, so that the root entry loads fast (test/entry-points.test.ts) and the benchmark can time module
      // loading. 30 findings when the linter came, every one such a deliberate lazy load (and 7 more already carried
      // an eslint-disable comment, now removed).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Off in the tests: they read synthesised manifests, parsed YAML and JSON as the loosely typed `Manifest` of
    // test/_synth.ts (`spec: any`) and walk them to assert on fields; the assertions are the check. Findings when
    // the linter came, all in test/: no-unsafe-member-access 642, no-unsafe-assignment 145, no-unsafe-call 55,
    // no-unsafe-argument 48, no-unsafe-return 36, no-explicit-any 27. The library's own code keeps every one of
    // these rules. (2 lines already carried an eslint-disable comment for no-explicit-any, now removed.)
    basePath: root,
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The CommonJS files (the TypeScript loader in apps/, the consumer check's platform app) are not in
    // tsconfig.json: the rules that need types do not run on them.
    basePath: root,
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: globals.node,
      // A CommonJS file's top level is its module function's scope, not the global one.
      parserOptions: { ecmaFeatures: { globalReturn: true } },
    },
  },
]);
