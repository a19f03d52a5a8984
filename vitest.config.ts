import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'scratch/**', '**/*.hil.test.ts'],
    // the networks run on 2 cores: one test file at a time keeps per-file timeouts meaningful
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
