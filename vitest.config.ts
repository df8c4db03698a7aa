import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/buildOnce.ts'],
    setupFiles: ['test/helpers/poolGuard.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: DB-heavy files in parallel mostly wait on MariaDB; two workers keep CI fast without thrashing.
    maxWorkers: 2,
  },
});
