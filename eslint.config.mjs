import nx from '@nx/eslint-plugin';

// Module boundaries: `type` says what may depend on what, `scope` keeps router-only and
// worker-only code apart. contracts depends on nothing; only tests may import `type:testing`.
const typeRules = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access', 'type:feature'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access', 'type:feature'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:data-access', 'type:feature'],
  },
  // End-to-end suites (the chaos run) drive the whole system through the testing harness.
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [
      'type:contracts',
      'type:util',
      'type:data-access',
      'type:feature',
      'type:testing',
    ],
  },
];
const scopeRules = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:shared', 'scope:worker'] },
  { sourceTag: 'scope:router', onlyDependOnLibsWithTags: ['scope:shared', 'scope:router'] },
  // Deployment checks (tools/deploy-checks) look at the whole system: router and worker alike.
  { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared', 'scope:worker', 'scope:router'] },
];
const withTesting = (rules) =>
  rules.map((rule) =>
    rule.sourceTag.startsWith('type:')
      ? { ...rule, onlyDependOnLibsWithTags: [...rule.onlyDependOnLibsWithTags, 'type:testing'] }
      : rule,
  );
const boundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: true, allow: [], depConstraints },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', 'tmp', 'coverage', '.data'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([...typeRules, ...scopeRules]),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Tests, benchmarks, the chaos suite and apps' test fixtures (src/testing) may use the testing
    // harness and print tables.
    files: [
      '**/*.spec.ts',
      '**/*.test.ts',
      'bench/**/*.ts',
      'libs/testing/**/*.ts',
      'scripts/**/*.ts',
      'apps/chaos-e2e/**/*.ts',
      'tools/deploy-checks/**/*.ts',
      'apps/*/src/testing/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': boundaries([...withTesting(typeRules), ...scopeRules]),
      'no-console': 'off',
    },
  },
];
