import { afterAll, expect } from 'vitest';
import { openPools } from '../../src/db/connect.js';

// Every test file must close what it opens: a leaked pool hangs a cron job.
afterAll(() => {
  const leaked = [...openPools].map((d) => d.settings.database);
  expect(leaked, `connection pools left open: ${leaked.join(', ')}`).toEqual([]);
});
