import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their build output.
    alias: [
      { find: /^@secureevent\/shared\/testing$/, replacement: src('./backend/shared/src/testing/index.ts') },
      { find: /^@secureevent\/shared$/, replacement: src('./backend/shared/src/index.ts') },
      { find: /^@secureevent\/contracts$/, replacement: src('./backend/contracts/src/index.ts') },
      { find: /^@secureevent\/(user|event|notification|audit)-service$/, replacement: src('./backend/$1-service/src/index.ts') },
    ],
  },
  test: {
    include: ['backend/*/src/**/*.test.ts', 'backend/*/test/**/*.test.ts', 'platform/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
