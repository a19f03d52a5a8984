import { defineConfig } from 'vitest/config';

/** `npm run test:hil`: the hardware-in-the-loop suite, on a Raspberry Pi wired as scripts/hil/README.md says. */
export default defineConfig({
  test: {
    include: ['scripts/hil/**/*.hil.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
