// ESLint (flat config) with typescript-eslint's recommended rules. Formatting is Prettier's job
// (.prettierrc.json); this file is about correctness.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Data moves one way (docs/ARCHITECTURE.md): sources → inventory → engines → use cases → views. Each folder may
 * import only what lies before it; a type from further on is allowed where noted (a source returns the shape
 * an engine reads). `layer(folders)` forbids importing those folders of src/ from a file.
 */
const layer = (folders, { types = [] } = {}) => [
  ...folders
    .filter((folder) => !types.includes(folder))
    .map((folder) => ({
      regex: `^(\\.\\./)+${folder}/`,
      message: `this folder may not import src/${folder}/: data moves one way (docs/ARCHITECTURE.md)`,
    })),
  ...types.map((folder) => ({
    regex: `^(\\.\\./)+${folder}/`,
    allowTypeImports: true,
    message: `only types may come from src/${folder}/ here: data moves one way (docs/ARCHITECTURE.md)`,
  })),
];
/** Engines are pure: no file, network or process I/O. */
const noIo = ['fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'tls', 'child_process'].flatMap((module) => [
  { name: `node:${module}`, message: 'engines do no I/O: sources read, views write (docs/ARCHITECTURE.md)' },
  { name: module, message: 'engines do no I/O: sources read, views write (docs/ARCHITECTURE.md)' },
]);
const restrict = (files, patterns, paths = []) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }] },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.dist/**',
      '.tools/**',
      '.bench/**',
      'coverage/**',
      'test/apiserver/.bin/**',
      'test/apiserver/.run/**',
      // ajv standalone code, written by scripts/gen-validators.ts
      'src/policy/built-in-validators.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        NodeJS: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // import('…') types are how lazily loaded modules are typed without loading them.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Terminal escapes and XML's forbidden characters are matched on purpose.
      'no-control-regex': 'off',
    },
  },
  restrict(['src/errors/**'], layer(['inventory', 'sources', 'rbac', 'policy', 'tokens', 'app', 'report', 'cli', 'commands'])),
  restrict(['src/inventory/**'], layer(['sources', 'rbac', 'policy', 'tokens', 'app', 'report', 'cli', 'commands']), noIo),
  restrict(
    ['src/sources/**'],
    layer(['rbac', 'tokens', 'policy', 'app', 'report', 'cli', 'commands'], { types: ['rbac', 'tokens', 'policy'] }),
  ),
  restrict(['src/rbac/**', 'src/policy/**', 'src/tokens/**'], layer(['sources', 'app', 'report', 'cli', 'commands']), noIo),
  restrict(['src/report/**'], layer(['sources', 'app', 'cli', 'commands'], { types: ['app'] })),
  restrict(['src/app/**'], layer(['cli', 'commands'])),
);
