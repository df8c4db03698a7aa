import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { ExitCode } from '../../src/errors.js';
import { assertFreshBackfill } from '../../src/store/lastBackfill.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const HOUR = 3_600_000;

describe('match --max-backfill-age: the match is chained to a successful backfill', () => {
  let t: TestDatabase;
  const at = (iso: string) => fixedClock(iso);
  const check = (iso: string, maxAgeMs = 6 * HOUR) => assertFreshBackfill(t.db.pool, at(iso), maxAgeMs).then(() => 0, (e) => e);
  const backfillRun = (status: string, finished: string) =>
    t.exec("INSERT INTO match_runs (kind, status, started_at, finished_at) VALUES ('backfill', ?, ?, ?)", [status, finished, finished]);

  beforeAll(async () => {
    t = await createTestDatabase('backfill_fresh');
  });
  afterAll(async () => t?.drop());

  it('refuses with exit 31 without a backfill, after a failed one and after an old one; passes after a recent success', async () => {
    expect(await check('2026-06-15T03:00:00Z')).toMatchObject({ exitCode: ExitCode.STALE_VECTORS, message: expect.stringContaining('no backfill has run') });
    await backfillRun('succeeded', '2026-06-14 02:40:00');
    expect(await check('2026-06-15T03:00:00Z')).toMatchObject({ exitCode: ExitCode.STALE_VECTORS, message: expect.stringMatching(/finished 1d .* ago, more than --max-backfill-age/) });
    await backfillRun('failed', '2026-06-15 02:40:00');
    expect(await check('2026-06-15T03:00:00Z')).toMatchObject({ exitCode: ExitCode.STALE_VECTORS, message: expect.stringContaining('is failed') });
    await backfillRun('succeeded', '2026-06-15 02:50:00');
    expect(await check('2026-06-15T03:00:00Z')).toBe(0);
  });
});
