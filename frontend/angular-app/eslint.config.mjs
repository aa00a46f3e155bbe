// @ts-check
// The web app's own lint (it is its own npm project, ADR 0004): angular-eslint's recommended
// TypeScript, template and accessibility rules, plus the type-aware promise rules. The root
// `npm run lint` runs it through `npm run lint --prefix frontend/angular-app`.
import js from '@eslint/js';
import angular from 'angular-eslint';
import tseslint from 'typescript-eslint';

const why = {
  frontend:
    'The Angular app talks to the backend over HTTP only; it may import types and schemas from @secureevent/contracts and nothing else from the backend.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.angular/**', 'out-tsc/**'] },
  {
    files: ['src/**/*.ts'],
    extends: [
      js.configs.recommended,
      ...tseslint.configs.recommendedTypeChecked,
      ...angular.configs.tsRecommended,
    ],
    processor: angular.processInlineTemplates,
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.app.json', './tsconfig.spec.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: 'app', style: 'kebab-case' },
      ],
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'app', style: 'camelCase' },
      ],
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
      // A promise nobody awaits loses its error; fire-and-forget is spelled `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      // Async handlers bound in templates and passed to `subscribe`/`setTimeout` are fine: their
      // errors are caught inside. A promise used as a condition or spread is not.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      // Angular's validators are static methods passed unbound by design.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a const object instead of an enum (STYLE.md).',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@secureevent/*',
                '!@secureevent/contracts',
                '**/backend/*',
                '**/backend/**',
                '!**/backend/contracts',
                '!**/backend/contracts/**',
                '**/platform/**',
              ],
              message: why.frontend,
            },
          ],
        },
      ],
    },
  },
  {
    // Specs drive components through untyped fixtures and TestBed lookups.
    files: ['src/**/*.spec.ts', 'src/**/*.testing.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
  },
);
