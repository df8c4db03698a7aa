import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/commands/migrate.js';
import { memoryLogger } from '../../src/log.js';
import { printReport } from '../../src/report.js';
import { migrateReport } from '../../src/commands/commandReports.js';
import { readJournal } from '../../src/migrate/journal.js';
import { readMigrationState } from '../../src/migrate/migrator.js';
import { OWNED_TABLES, MIGRATIONS_TABLE } from '../../src/schema/owned.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

describe('fitmatch migrate on a fresh app database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('migrator', { migrate: false });
  });
  afterAll(async () => t?.drop());

  const tableNames = async () =>
    ((await t.exec(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1`)) as { t: string }[]).map((r) => r.t);
  const showCreate = async (names: string[]) => {
    const out: Record<string, string> = {};
    for (const n of names) out[n] = ((await t.exec(`SHOW CREATE TABLE \`${n}\``)) as Record<string, string>[])[0]['Create Table'];
    return out;
  };

  it('applies every journal entry, prints what it applied, then is a no-op; the app tables are untouched', async () => {
    const appTables = await tableNames();
    expect(appTables).toContain('users');
    const before = await showCreate(appTables);

    const log = memoryLogger();
    let out = '';
    const first = await migrate({}, { db: t.db, log });
    printReport(migrateReport(t.db.settings.display, first), true, (s) => (out += s));
    const shipped = readJournal();
    expect(first.applied).toEqual(shipped.map((m) => ({ tag: m.tag, statements: m.statements.length })));
    expect(log.lines).toContain('applied 0000_init (11 statements)');
    expect(JSON.parse(out)).toEqual({ database: t.db.settings.display, applied: first.applied });

    const again = memoryLogger();
    const second = await migrate({}, { db: t.db, log: again });
    expect(second.applied).toEqual([]);
    expect(again.lines).toContain('nothing to migrate: the database is up to date');
    expect((await readMigrationState(t.db)).pending).toEqual([]);

    expect((await tableNames()).sort()).toEqual([...appTables, ...OWNED_TABLES, MIGRATIONS_TABLE].sort());
    expect(await showCreate(appTables)).toEqual(before);
  });
});
