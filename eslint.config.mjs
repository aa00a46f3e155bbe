// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const why = {
  serviceToService:
    'A service never imports another service: services share nothing but contracts and messages (DESIGN.md §2). Put shared code in backend/shared, shared types in backend/contracts.',
  sharedToService:
    'backend/shared is the kit every service builds on; importing a service from it would make every service depend on that one.',
  featureRepositories:
    "A feature does not reach into another feature's repository: call that feature's use case (or a small service it exports) instead, so that its rules and side effects (outbox messages, audit) stay in one place (CONTRIBUTING.md).",
  contractsPure: 'backend/contracts is imported by the browser app: it may depend on zod only, never on server code.',
  sqlInRepositories:
    "SQL lives only in repositories: routes parse, authorize and call a use case; use cases orchestrate; a *.repository.ts (or a migration) builds every query and returns plain objects. Move this query into the feature's repository, see CONTRIBUTING.md.",
};

const noEnums = { selector: 'TSEnumDeclaration', message: 'Use a const object instead of an enum (STYLE.md).' };

/** Every way the code builds a query with Kysely: the query builders and the `sql` tag and its helpers. */
const sqlSyntax = [
  { selector: 'TaggedTemplateExpression[tag.name="sql"]', message: why.sqlInRepositories },
  { selector: 'CallExpression[callee.object.name="sql"]', message: why.sqlInRepositories },
  {
    selector:
      'CallExpression > MemberExpression.callee[property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)$/]',
    message: why.sqlInRepositories,
  },
];

const serviceImports = [
  '@secureevent/user-service',
  '@secureevent/event-service',
  '@secureevent/notification-service',
  '@secureevent/audit-service',
];
const servicePaths = ['**/user-service/**', '**/event-service/**', '**/notification-service/**', '**/audit-service/**'];

/** Forbids importing any service but `own` (by package name or by relative path). */
function serviceBoundary(own) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [...serviceImports.filter((s) => !s.endsWith(own)), ...servicePaths.filter((p) => !p.includes(`/${own}/`))],
            message: why.serviceToService,
          },
          { group: ['../*/*.repository.js', '../../*/*.repository.js'], message: why.featureRepositories },
        ],
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'coverage/**',
      // The Angular app lints itself (frontend/angular-app/eslint.config.mjs, with angular-eslint and
      // its import boundary); `npm run lint` runs it after this config.
      'frontend/angular-app/**',
      'e2e/test-results/**',
      'e2e/playwright-report/**',
    ],
  },
  {
    files: ['backend/**/*.ts', 'platform/**/*.ts', 'e2e/**/*.ts', 'vitest.config.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Async implementations of async interfaces (in-memory adapters) legitimately have no await.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': ['error', noEnums],
    },
  },
  {
    // SQL only in repositories and migrations (STYLE.md, immich); tests and the test kit arrange data directly.
    files: ['backend/**/src/**/*.ts'],
    ignores: [
      '**/*.repository.ts',
      '**/db/migrations/**',
      '**/db/migrations.ts',
      '**/*.migration.ts',
      // The keyset-paging helper builds the paging condition that repositories apply to their queries.
      'backend/shared/src/db/keyset.ts',
      '**/*.test.ts',
      'backend/shared/src/testing/**',
    ],
    rules: { 'no-restricted-syntax': ['error', noEnums, ...sqlSyntax] },
  },
  {
    // Tests read untyped JSON from Supertest; the unsafe-* rules would only add casts.
    files: ['**/*.test.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'backend/shared/src/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['platform/scripts/**/*.mjs', 'platform/docs-ui/**/*.js', 'eslint.config.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // process.env is read in config.ts only (STYLE.md); tests and the test kit may read it.
    files: ['backend/**/src/**/*.ts'],
    ignores: ['**/config.ts', '**/*.test.ts', 'backend/shared/src/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in config.ts only (STYLE.md).' },
      ],
    },
  },
  { files: ['backend/user-service/**/*.ts'], rules: serviceBoundary('user-service') },
  { files: ['backend/event-service/**/*.ts'], rules: serviceBoundary('event-service') },
  { files: ['backend/notification-service/**/*.ts'], rules: serviceBoundary('notification-service') },
  { files: ['backend/audit-service/**/*.ts'], rules: serviceBoundary('audit-service') },
  {
    files: ['backend/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...serviceImports, ...servicePaths], message: why.sharedToService }] }],
    },
  },
  {
    files: ['backend/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@secureevent/*', '!@secureevent/contracts', '**/shared/**', ...servicePaths, 'node:*', 'express', 'pg', 'kysely'],
              message: why.contractsPure,
            },
          ],
        },
      ],
    },
  },
);
