import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, FitmatchError } from '../../src/errors.js';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { APP_SCHEMA_SQL } from '../../src/seed/appSchema.js';
import { killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const tables = async (t: TestDatabase) =>
  ((await t.exec('SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1')) as { n: string }[]).map((r) => r.n);

/** The "[app_schema] …" lines of a report or an error. */
const appSchemaLines = (text: string) => text.split('\n').filter((l) => l.includes('[app_schema]')).map((l) => l.trim()).sort();

/**
 * Issue 10, class 8: `migrate` on a database that is not the app's used to fail
 * at statement 8 of 11, leaving 4 tables behind. It checks the app schema before
 * any DDL and refuses (exit 12) with the findings `migrate --check` reports,
 * creating nothing, not even its journal table.
 */
describe('migrate on a database that is not the app’s', () => {
  let empty: TestDatabase;
  let foreign: TestDatabase;
  beforeAll(async () => {
    empty = await createTestDatabase('hardening_nonapp', { fixture: false, migrate: false });
    foreign = await createTestDatabase('hardening_foreign', { fixture: false, migrate: false });
    // Someone else's application: a users table with an unsigned key, in another collation.
    await foreign.exec('CREATE TABLE users (id INT UNSIGNED PRIMARY KEY, name VARCHAR(50)) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci');
  });
  afterAll(async () => {
    await killAllFitmatch();
    await empty?.drop();
    await foreign?.drop();
  });

  it.each([
    ['an empty database', () => empty, []],
    ["another application's database", () => foreign, ['users']],
  ] as const)('%s: exit 12 with the findings of migrate --check, and nothing is created', async (_what, db, before) => {
    const t = db();
    const env = { DATABASE_URL: t.url };
    const check = await runFitmatch(['--log-format', 'human', 'migrate', '--check'], { env });
    expect(check.code, check.stderr).toBe(ExitCode.CHECK_APP_SCHEMA);
    const expected = appSchemaLines(check.stdout);
    expect(expected.length).toBeGreaterThan(0);

    for (const format of ['human', 'json']) {
      const r = await runFitmatch(['--log-format', format, 'migrate', '--json'], { env });
      expect(r.code, r.stderr).toBe(ExitCode.CHECK_APP_SCHEMA);
      // --json: one document, the failure's.
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: ExitCode.CHECK_APP_SCHEMA, error: { code: 'CHECK_APP_SCHEMA', message: expect.stringContaining('refusing to migrate') } });
      const message = format === 'json' ? String(JSON.parse(r.stderr.trim().split('\n').at(-1)!).msg) : r.stderr;
      expect(message).toContain('refusing to migrate');
      expect(appSchemaLines(message)).toEqual(expected);
      expect(await tables(t)).toEqual(before);
    }
    const err = await applyMigrations(t.db).catch((e) => e);
    expect(err).toBeInstanceOf(FitmatchError);
    expect((err as FitmatchError).exitCode).toBe(ExitCode.CHECK_APP_SCHEMA);
    expect(await tables(t)).toEqual(before);
  });

  it('once the app schema is there, the same database migrates', async () => {
    await empty.exec(readFileSync(APP_SCHEMA_SQL, 'utf8'));
    const r = await runFitmatch(['--log-format', 'human', 'migrate'], { env: { DATABASE_URL: empty.url } });
    expect(r.code, r.stderr).toBe(0);
    expect(await tables(empty)).toEqual(expect.arrayContaining(['fitmatch_migrations', 'match_results', 'talent_embeddings']));
    const check = await runFitmatch(['migrate', '--check'], { env: { DATABASE_URL: empty.url } });
    expect(check.code, check.stdout).toBe(0);
  });
});
