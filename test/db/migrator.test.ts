import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrationState } from '../../src/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

describe('applyMigrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('migrator', { migrate: false });
  });
  afterAll(async () => t?.drop());

  it('applies every journal entry on a fresh app database, then is a no-op', async () => {
    const first = await applyMigrations(t.db);
    expect(first.applied.map((a) => a.tag)).toEqual(['0000_init']);
    const second = await applyMigrations(t.db);
    expect(second.applied).toEqual([]);
    const state = await readMigrationState(t.db);
    expect(state.pending).toEqual([]);
    const tables = (await t.exec(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('talent_embeddings','job_embeddings','match_results','match_runs') ORDER BY 1`)) as { t: string }[];
    expect(tables.map((r) => r.t)).toEqual(['job_embeddings', 'match_results', 'match_runs', 'talent_embeddings']);
  });
});
