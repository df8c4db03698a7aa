import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { applyMigrations, readMigrationState } from '../../src/migrate/migrator.js';
import { readJournal } from '../../src/migrate/journal.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { runCheck } from '../helpers/tempMigrations.js';

describe('two concurrent migrates', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('migrate_concurrent', { migrate: false });
  });
  afterAll(async () => t?.drop());

  it('both succeed; GET_LOCK makes the second wait and find nothing to do', async () => {
    const other = await connect(t.config.db);
    try {
      const results = await Promise.all([applyMigrations(t.db), applyMigrations(other)]);
      const tags = results.flatMap((r) => r.applied.map((a) => a.tag));
      expect(tags).toEqual(readJournal().map((m) => m.tag)); // each migration applied exactly once
    } finally {
      await other.close();
    }
    const rows = (await t.exec('SELECT tag, statements_applied, statements_total FROM fitmatch_migrations')) as { tag: string; statements_applied: number; statements_total: number }[];
    expect(rows.map((r) => [r.tag, r.statements_applied === r.statements_total])).toEqual(readJournal().map((m) => [m.tag, true]));
    expect((await readMigrationState(t.db)).pending).toEqual([]);
    expect((await runCheck(t.db)).code).toBe(0);
  });
});
