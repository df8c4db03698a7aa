import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrateStatus, type MigrationStatusRow } from '../../src/commands/migrateStatus.js';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { readJournal } from '../../src/migrate/journal.js';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { failingKinds, runCheck, tempMigrationsDir } from '../helpers/tempMigrations.js';

/** Outcomes driven by the migration files: a scratch copy of drizzle/ per test, the real database. */
describe('migrate --check and status against changed migration files', () => {
  let t: TestDatabase;
  let tmp: ReturnType<typeof tempMigrationsDir>;
  beforeAll(async () => {
    t = await createTestDatabase('check_files');
  });
  afterEach(() => tmp?.remove());
  afterAll(async () => t?.drop());

  const shipped = readJournal().map((m) => m.tag);
  const last = shipped.at(-1)!;
  /** A tag after the shipped migrations, numbered as drizzle-kit would. */
  const next = (name: string) => `${String(shipped.length).padStart(4, '0')}_${name}`;
  const applied = shipped.map((tag) => [tag, 'applied']);

  const status = async (dir?: string) => {
    let out = '';
    const rows = await migrateStatus({ dir, json: true, write: (s) => (out += s) }, { db: t.db });
    expect(JSON.parse(out).migrations).toEqual(rows);
    return rows.map((r: MigrationStatusRow) => [r.tag, r.status]);
  };

  it('exits 10 for a migration left pending, and status lists it', async () => {
    tmp = tempMigrationsDir();
    tmp.addMigration(next('extra'), ['UPDATE match_runs SET error = NULL WHERE 1 = 0']);
    const { code, report } = await runCheck(t.db, { dir: tmp.dir });
    expect(code).toBe(ExitCode.CHECK_PENDING);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'pending', details: { tag: next('extra'), state: 'not_applied', statements: 1 } })]);
    expect(await status(tmp.dir)).toEqual([...applied, [next('extra'), 'pending']]);
  });

  it('exits 10 for an applied migration whose file was edited afterwards', async () => {
    tmp = tempMigrationsDir();
    tmp.editFile('0000_init.sql', (s) => s.replace('`model` varchar(128)', '`model` varchar(200)'));
    const { code, report } = await runCheck(t.db, { dir: tmp.dir });
    expect(code).toBe(ExitCode.CHECK_PENDING);
    expect(report.findings.map((f) => [f.kind, f.details?.state])).toEqual([['pending', 'edited_after_apply']]);
    expect(await status(tmp.dir)).toEqual([['0000_init', 'edited_after_apply'], ...applied.slice(1)]);
    await expect(applyMigrations(t.db, { dir: tmp.dir })).rejects.toMatchObject({ exitCode: ExitCode.CHECK_PENDING });
  });

  it('exits 14 for a journal whose timestamps do not increase, and migrate refuses it', async () => {
    tmp = tempMigrationsDir();
    const first = tmp.journal().entries.at(-1)!;
    tmp.addMigration(next('older'), ['UPDATE match_runs SET error = NULL WHERE 1 = 0'], first.when - 1);
    const { code, report } = await runCheck(t.db, { dir: tmp.dir });
    expect(code).toBe(ExitCode.CHECK_JOURNAL);
    expect(failingKinds(report)).toEqual(['journal', 'pending']);
    expect(report.findings[0].details).toEqual({ tag: next('older'), when: first.when - 1, previousTag: last, previousWhen: first.when });
    await expect(applyMigrations(t.db, { dir: tmp.dir })).rejects.toMatchObject({ exitCode: ExitCode.CHECK_JOURNAL });
  });

  it('exits 13 when drizzle-kit generate would produce a migration (last snapshot lacks a column)', async () => {
    tmp = tempMigrationsDir();
    const snapFile = join(tmp.dir, `meta/${last.split('_')[0]}_snapshot.json`);
    const snap = JSON.parse(readFileSync(snapFile, 'utf8'));
    delete snap.tables.match_runs.columns.pid;
    writeFileSync(snapFile, JSON.stringify(snap));
    const { code, report } = await runCheck(t.db, { dir: tmp.dir });
    expect(code).toBe(ExitCode.CHECK_UNSYNCED);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'unsynced', exitCode: 13, details: { lastTag: last } });
    expect(report.findings[0].details!.statements).toEqual([expect.stringMatching(/ALTER TABLE `match_runs` ADD `pid` int/)]);
  });

  it('reports the sync check as skipped, not passed, without drizzle-kit', async () => {
    const missing = Object.assign(new Error("Cannot find package 'drizzle-kit'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const { code, report } = await runCheck(t.db, { loadDrizzleKit: () => Promise.reject(missing) });
    expect(code).toBe(0);
    expect(report.checks.unsynced).toBe('skipped');
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'skipped', exitCode: null, message: expect.stringContaining('SKIPPED') })]);
  });

  it('a failing migration statement: half-applied (exit 10), then fixed and resumed at the failed statement', async () => {
    tmp = tempMigrationsDir();
    const fix = next('fix');
    tmp.addMigration(fix, ['UPDATE match_runs SET error = NULL WHERE 1 = 0', 'UPDATE no_such_table SET x = 1']);
    const failed = await applyMigrations(t.db, { dir: tmp.dir }).catch((e) => e);
    expect(failed).toBeInstanceOf(FitmatchError);
    expect(failed).toMatchObject({ exitCode: ExitCode.FAILED, message: expect.stringContaining(`${fix} failed at statement 2/2`) });

    const { code, report } = await runCheck(t.db, { dir: tmp.dir });
    expect(code).toBe(ExitCode.CHECK_PENDING);
    expect(report.findings.map((f) => f.details)).toEqual([{ tag: fix, state: 'half_applied', statementsApplied: 1, statementsTotal: 2 }]);
    expect(await status(tmp.dir)).toEqual([...applied, [fix, 'half_applied']]);

    tmp.editFile(`${fix}.sql`, (s) => s.replace('UPDATE no_such_table SET x = 1', 'UPDATE match_runs SET pid = NULL WHERE 1 = 0'));
    const resumed = await applyMigrations(t.db, { dir: tmp.dir });
    expect(resumed.applied).toEqual([{ tag: fix, statements: 1 }]);
    expect((await runCheck(t.db, { dir: tmp.dir })).code).toBe(0);

    // This checkout's drizzle/ does not know the extra migration: a database migrated by a newer fitmatch.
    const { code: stale, report: staleReport } = await runCheck(t.db);
    expect(stale).toBe(ExitCode.CHECK_PENDING);
    expect(staleReport.findings.map((f) => f.details)).toEqual([{ tag: fix, state: 'unknown_to_journal' }]);
  });
});
