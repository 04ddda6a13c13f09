// ESLint: typescript-eslint type-checked rules, plus the house boundaries:
// events/ and projections/ never import kafkajs or pg; kafkajs stays in src/log/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const driverImports = {
  patterns: [
    { group: ['kafkajs', 'kafkajs/*'], message: 'kafkajs lives in src/log/ only.' },
    { group: ['pg', 'pg-copy-streams'], message: 'events/ and projections/ never touch pg.' },
    {
      group: ['**/src/*/**'],
      message: 'events/ and projections/ import only the public API (src/index.ts).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', '.services/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'off',
      // kafkajs hands its payload functions as closures; destructuring them is how its docs use them.
      '@typescript-eslint/unbound-method': 'off',
      // fastify plugins and handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['events/**/*.ts', 'projections/**/*.ts', 'reactors/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', driverImports] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/log/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['kafkajs', 'kafkajs/*'], message: 'kafkajs lives in src/log/ only.' }] },
      ],
    },
  },
  {
    // vitest's asymmetric matchers (expect.any) are typed any.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
