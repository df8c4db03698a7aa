import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { ExitCode, FitmatchError } from '../errors.js';
import type { Logger } from '../log.js';

/** The app's schema at its Alembic head, used by seed, the demo and the tests. Resolves from src/seed and dist/seed alike. */
export const APP_SCHEMA_SQL = fileURLToPath(new URL('../../sql/fitconnect-legacy-schema.sql', import.meta.url));

/** The app tables the schema file creates; the seed needs all of them. */
export const APP_TABLES = [
  'activities', 'alembic_version', 'certifications', 'companies', 'documents', 'educations', 'experiences',
  'job_posting_cards', 'job_postings', 'matching_results', 'matching_vectors', 'talent_cards', 'talent_profiles', 'users',
];

/** Splits a schema dump into statements: drops `--` comment lines, splits on `;` at line ends. */
export function splitSqlStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^\s*--/.test(l))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Loads the app's schema into a database that has none of its tables. A database
 * with only some of them is refused: that is somebody's half-finished schema, not ours to complete.
 * Returns true when it loaded the schema.
 */
export async function ensureAppSchema(db: Db, log: Logger): Promise<boolean> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`,
    [APP_TABLES],
  );
  const present = new Set(rows.map((r) => String(r.t)));
  if (present.size === APP_TABLES.length) return false;
  if (present.size > 0) {
    const missing = APP_TABLES.filter((t) => !present.has(t));
    throw new FitmatchError(
      `the database has some of the app's tables but not ${missing.join(', ')}; load the full app schema (${APP_SCHEMA_SQL}) or use an empty database`,
      ExitCode.USAGE,
    );
  }
  log.info(`loading the app schema into the empty database ${db.settings.database}`);
  const conn = await db.pool.getConnection();
  try {
    // SET FOREIGN_KEY_CHECKS in the file is per session: run every statement on this one connection.
    for (const stmt of splitSqlStatements(readFileSync(APP_SCHEMA_SQL, 'utf8'))) await conn.query(stmt);
  } finally {
    conn.release();
  }
  return true;
}
