// ESLint: typescript-eslint type-checked rules, plus the house boundaries:
// events/ and projections/ never import kafkajs or pg; kafkajs stays in src/log/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const driverImports = {
  patterns: [
    { group: ['kafkajs', 'kafkajs/*'], message: 'kafkajs lives in src/log/ only.' },
    { group: ['pg', 'pg-copy-streams'], message: 'events/ and projections/ never touch pg.' },
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
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    files: ['events/**/*.ts', 'projections/**/*.ts'],
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
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
