import { defineConfig } from 'vitest/config';

// npm run test:system (scripts/test-system.mjs installs the Claude Code CLI and sets CLAUDE_BIN).
// Kept out of `npm test`: tests/system/*.system.ts do not match vitest.config.ts's *.test.ts.
export default defineConfig({
  test: {
    include: ['tests/system/**/*.system.ts'],
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './tests/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
