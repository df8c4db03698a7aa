import type { Db } from '../db/connect.js';
import * as ownedSchema from '../schema/index.js';
import { PUBLISHER_TABLE } from '../store/resultTables.js';
import { OWNED_TABLES } from '../schema/owned.js';
import { actualTables } from './actualSchema.js';
import { APP_TABLE_NAMES, checkAppSchema } from './appSchema.js';
import { diffSchema } from './diffSchema.js';
import { expectedTables } from './expectedSchema.js';
import type { Finding } from './findings.js';
import { readJournal } from './journal.js';
import { journalFindings, pendingFindings } from './migrationFindings.js';
import { readMigrationState } from './migrator.js';
import { readInfoSchema } from './readInfoSchema.js';
import { checkSync, type DrizzleKitApi } from './syncCheck.js';
import { messageOf } from '../errors.js';

export interface CheckOptions {
  /** Migrations directory (default: the package's drizzle/). */
  dir?: string;
  /** Schema modules to compare against (default: src/schema). */
  schema?: Record<string, unknown>;
  loadDrizzleKit?: () => Promise<DrizzleKitApi>;
}

/** Runs every check read-only and returns all findings; never changes the database or files. */
export async function collectFindings(db: Db, opts: CheckOptions = {}): Promise<Finding[]> {
  const schema = opts.schema ?? ownedSchema;
  const findings: Finding[] = [];

  let journalOk = true;
  try {
    findings.push(...journalFindings(readJournal(opts.dir)));
  } catch (e) {
    journalOk = false;
    findings.push({ kind: 'journal', message: `cannot read the migrations: ${messageOf(e)}`, details: { dir: opts.dir ?? 'drizzle/' } });
  }
  findings.push(...(await checkSync({ schema, dir: opts.dir, loadApi: opts.loadDrizzleKit })));

  const expected = expectedTables(schema);
  const ownedNames = [...new Set([...OWNED_TABLES, ...expected.map((t) => t.name)])];
  const appNames = APP_TABLE_NAMES;
  // The match publisher's working tables come and go: reported for information only.
  const [all] = await db.pool.query('SELECT table_name AS n FROM information_schema.tables WHERE table_schema = DATABASE()');
  const publisherTables = (all as { n: string }[]).map((r) => r.n).filter((n) => PUBLISHER_TABLE.test(n));
  const rows = await readInfoSchema(db, [...ownedNames, ...appNames, ...publisherTables]);
  findings.push(...checkAppSchema({ tables: rows.tables.filter((t) => appNames.includes(t.table_name)), columns: rows.columns }));

  if (journalOk) findings.push(...pendingFindings(await readMigrationState(db, opts.dir)));

  findings.push(...diffSchema(expected, actualTables(rows)));
  for (const t of rows.tables.filter((t) => publisherTables.includes(t.table_name))) {
    findings.push({ kind: 'info', message: `${t.table_name} exists (the match publisher's working table; not checked)`, details: { table: t.table_name } });
  }
  return findings;
}
