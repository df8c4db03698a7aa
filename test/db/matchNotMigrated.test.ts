import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { match } from '../../src/commands/match.js';
import { rollback } from '../../src/commands/rollback.js';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

describe('match and rollback on a database that was never migrated', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('match_unmigrated', { migrate: false });
  });
  afterAll(async () => t?.drop());

  it('refuse with NOT_MIGRATED (exit 7) and create nothing', async () => {
    const ctx = { db: t.db, clock: systemClock, log: memoryLogger(), config: t.config, signal: new AbortController().signal };
    for (const run of [() => match({}, ctx), () => rollback({}, ctx)]) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FitmatchError);
      expect((err as FitmatchError).exitCode).toBe(ExitCode.NOT_MIGRATED);
    }
    const tables = (await t.exec(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'match%' ORDER BY TABLE_NAME`)) as unknown[];
    expect(tables.map((r) => (r as { TABLE_NAME: string }).TABLE_NAME)).toEqual(['matching_results', 'matching_vectors']);
  });
});
