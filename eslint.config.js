import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**', 'examples/**'] },
  // Every file gets the syntactic rules; the type-aware block below adds the rules that need the
  // TypeScript program.
  ...tseslint.configs.recommended,
  {
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Named so that a later preset change cannot quietly drop them.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // `async` without `await` is deliberate here: it implements a Promise-returning interface
      // (RepoSnapshot, the REST port, parseYaml/validate) and turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON that a process printed or GitHub-shaped fixtures hold; their assertions check its shape.
    files: ['test/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Scripts, benchmarks, bin/ and configs are plain JavaScript outside tsconfig.json: no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The layers, by folder: src/ is the engine (pure: no GitHub client, no adapter); github/ is the
    // GitHub client side (REST port, protect); cli/, action/ and bot/ are the adapters. Imports
    // point down only: adapters -> github/ -> src/.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*'], message: 'src/ is the engine: no @actions/* imports (use action/).' },
            { group: ['probot', 'probot/*'], message: 'src/ is the engine: no probot imports (use bot/).' },
            { group: ['octokit', '@octokit/*'], message: 'src/ is the engine: no octokit imports (use a port).' },
            {
              group: ['**/github/*', '**/cli/*', '**/action/*', '**/bot/*'],
              message: 'src/ is the engine: it imports no adapter and no GitHub client (github/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['github/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli/*', '**/action/*', '**/bot/*'],
              message: 'github/ serves the adapters; it imports none of them.',
            },
          ],
        },
      ],
    },
  },
);
