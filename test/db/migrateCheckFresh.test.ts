import { readJournal } from '../../src/migrate/journal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { APP_TABLES_READ } from '../../src/migrate/appSchema.js';
import { OWNED_TABLES } from '../../src/schema/owned.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { failingKinds, runCheck } from '../helpers/tempMigrations.js';

describe('migrate --check against databases nobody prepared', () => {
  let empty: TestDatabase;
  let unmigrated: TestDatabase;
  beforeAll(async () => {
    empty = await createTestDatabase('check_empty', { fixture: false, migrate: false });
    unmigrated = await createTestDatabase('check_unmigrated', { migrate: false });
  });
  afterAll(async () => {
    await empty?.drop();
    await unmigrated?.drop();
  });

  it('an empty database: exit 12 (no app schema), and it still reports everything else', async () => {
    const { code, report } = await runCheck(empty.db);
    expect(code).toBe(ExitCode.CHECK_APP_SCHEMA);
    expect(failingKinds(report)).toEqual(['app_schema', 'pending', 'drift']);
    expect(report.findings.filter((f) => f.kind === 'app_schema').map((f) => f.details?.table)).toEqual([...APP_TABLES_READ]);
    expect(report.findings.filter((f) => f.kind === 'pending').map((f) => f.details?.tag)).toEqual(readJournal().map((m) => m.tag));
    expect(report.findings.filter((f) => f.kind === 'drift').map((f) => f.details?.table).sort()).toEqual([...OWNED_TABLES].sort());
    const tables = (await empty.exec('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')) as { n: number }[];
    expect(Number(tables[0].n)).toBe(0); // read-only: not even fitmatch_migrations was created
  });

  it('the app schema without migrations: exit 10, every owned table missing', async () => {
    const { code, report } = await runCheck(unmigrated.db);
    expect(code).toBe(ExitCode.CHECK_PENDING);
    expect(failingKinds(report)).toEqual(['pending', 'drift']);
    expect(report.findings.filter((f) => f.kind === 'drift').every((f) => f.details?.what === 'table_missing')).toBe(true);
  });

  it('exit 12 when an FK target is not BIGINT', async () => {
    // The app's own FKs to job_postings.id forbid a type change: drop them first (this test's own database).
    const refs = (await unmigrated.exec(
      `SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
       WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME = 'job_postings'`,
    )) as { t: string; c: string }[];
    for (const r of refs) await unmigrated.exec(`ALTER TABLE \`${r.t}\` DROP FOREIGN KEY \`${r.c}\``);
    await unmigrated.exec('ALTER TABLE job_postings MODIFY id INT NOT NULL AUTO_INCREMENT');
    const { code, report } = await runCheck(unmigrated.db);
    expect(code).toBe(ExitCode.CHECK_APP_SCHEMA);
    expect(report.findings.filter((f) => f.kind === 'app_schema').map((f) => f.details)).toEqual([
      { table: 'job_postings', what: 'fk_target_type', column: 'id', expected: 'bigint', actual: expect.stringMatching(/^int/) },
    ]);
  });
});
