import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'lib/**', 'node_modules/**', 'coverage/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The engine is pure: GitHub clients belong to the adapters (action/, bot/, and src/cli/, which
    // builds the Octokit `protect` is given).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/github.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*'], message: 'src/ is the engine: no @actions/* imports (use action/).' },
            { group: ['probot', 'probot/*'], message: 'src/ is the engine: no probot imports (use bot/).' },
            { group: ['octokit', '@octokit/*'], message: 'src/ is the engine: no octokit imports (use a port).' },
          ],
        },
      ],
    },
  },
);
