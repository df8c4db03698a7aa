import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { failingKinds, runCheck } from '../helpers/tempMigrations.js';

/** Each test breaks the migrated database by hand, checks, then puts it back. */
describe('migrate --check against a migrated database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('check_drift');
  });
  afterAll(async () => t?.drop());

  const expectClean = async () => {
    const { code, report } = await runCheck(t.db);
    expect(report.findings).toEqual([]);
    expect(code).toBe(ExitCode.OK);
  };

  it('passes on a freshly migrated database, every check ok', async () => {
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, exitCode: 0, failedOn: null, checks: { journal: 'ok', unsynced: 'ok', app_schema: 'ok', pending: 'ok', drift: 'ok' } });
  });

  it('exits 11 for a column added by hand, naming it', async () => {
    await t.exec('ALTER TABLE match_results ADD COLUMN note VARCHAR(20) NULL');
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(ExitCode.CHECK_DRIFT);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'drift', exitCode: 11, details: expect.objectContaining({ table: 'match_results', what: 'column_unexpected', column: 'note' }) }),
    ]);
    await t.exec('ALTER TABLE match_results DROP COLUMN note');
    await expectClean();
  });

  it('exits 11 for a dropped index', async () => {
    await t.exec('DROP INDEX ix_match_runs_kind_status ON match_runs');
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(ExitCode.CHECK_DRIFT);
    expect(report.findings.map((f) => f.details)).toEqual([expect.objectContaining({ table: 'match_runs', what: 'index_missing', index: 'ix_match_runs_kind_status' })]);
    await t.exec('CREATE INDEX ix_match_runs_kind_status ON match_runs (kind, status, id)');
    await expectClean();
  });

  it('exits 11 for a changed column type, nullability and default', async () => {
    await t.exec('ALTER TABLE match_results MODIFY total_score DECIMAL(6,2) NULL');
    await t.exec('ALTER TABLE match_runs ALTER COLUMN created_at DROP DEFAULT');
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(ExitCode.CHECK_DRIFT);
    expect(report.findings.map((f) => [f.details?.table, f.details?.column, f.details?.field, f.details?.actual])).toEqual([
      ['match_results', 'total_score', 'type', 'decimal(6,2)'],
      ['match_results', 'total_score', 'nullable', true],
      ['match_runs', 'created_at', 'default', null],
    ]);
    await t.exec('ALTER TABLE match_results MODIFY total_score DECIMAL(5,2) NOT NULL');
    await t.exec('ALTER TABLE match_runs ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP(3)');
    await expectClean();
  });

  it('exits 11 for an FK whose ON DELETE changed, but not for a renamed FK', async () => {
    await t.exec('ALTER TABLE match_results DROP FOREIGN KEY match_results_talent_user_id_users_id_fk');
    await t.exec('ALTER TABLE match_results ADD CONSTRAINT match_results_talent_user_id_users_id_fk FOREIGN KEY (talent_user_id) REFERENCES users (id) ON DELETE RESTRICT');
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(ExitCode.CHECK_DRIFT);
    expect(report.findings.map((f) => f.details?.what)).toEqual(['fk_missing', 'fk_unexpected']);

    // What the match publisher's RENAME TABLE swap leaves behind: same FK, generation-suffixed name.
    await t.exec('ALTER TABLE match_results DROP FOREIGN KEY match_results_talent_user_id_users_id_fk');
    await t.exec('ALTER TABLE match_results ADD CONSTRAINT match_results_talent_user_id_users_id_fk_g2 FOREIGN KEY (talent_user_id) REFERENCES users (id) ON DELETE CASCADE');
    await expectClean();
  });

  it("exits 12 when an app table's collation is not utf8mb4_unicode_ci, and 11 for an owned one", async () => {
    await t.exec('ALTER TABLE companies COLLATE utf8mb4_general_ci');
    await t.exec('ALTER TABLE match_runs COLLATE utf8mb4_general_ci');
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(ExitCode.CHECK_APP_SCHEMA);
    expect(failingKinds(report)).toEqual(['app_schema', 'drift']);
    expect(report.findings.map((f) => f.message)).toEqual([
      'companies: table collation is utf8mb4_general_ci, expected utf8mb4_unicode_ci (charset utf8mb4)',
      'match_runs: table collation is utf8mb4_general_ci, expected utf8mb4_unicode_ci',
    ]);
    await t.exec('ALTER TABLE companies COLLATE utf8mb4_unicode_ci');
    await t.exec('ALTER TABLE match_runs COLLATE utf8mb4_unicode_ci');
    await expectClean();
  });

  it('reports the publisher working tables as info only', async () => {
    await t.exec('CREATE TABLE match_results_r42 LIKE match_results');
    await t.exec('CREATE TABLE match_lists_previous LIKE match_lists');
    const { code, report } = await runCheck(t.db);
    expect(code).toBe(0);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'info', exitCode: null, details: { table: 'match_lists_previous' } }),
      expect.objectContaining({ kind: 'info', exitCode: null, details: { table: 'match_results_r42' } }),
    ]);
    await t.exec('DROP TABLE match_results_r42, match_lists_previous');
  });
});
