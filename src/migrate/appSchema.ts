import { FK_TARGETS } from '../db/appTables.js';
import type { InfoSchemaRows } from './actualSchema.js';
import type { Finding } from './findings.js';
import { REQUIRED_COLLATION } from './schemaShape.js';

/** The app's tables fitmatch reads (backfill, match): they must exist and use the app's collation. */
export const APP_TABLES_READ = [
  'users',
  'talent_profiles',
  'job_postings',
  'companies',
  'matching_vectors',
  'experiences',
  'educations',
  'activities',
  'certifications',
  'talent_cards',
  'job_posting_cards',
] as const;

/** Every app table `migrate --check` and `migrate` look at: the ones read, and the FK targets. */
export const APP_TABLE_NAMES: readonly string[] = [...new Set<string>([...APP_TABLES_READ, ...FK_TARGETS.map((t) => t.table)])];

/**
 * Is the app's schema one fitmatch can live with? FK targets must exist as signed BIGINT
 * (an FK needs the exact type and signedness), and every table read, plus the owned ones,
 * must be utf8mb4_unicode_ci: MySQL 8 defaults to utf8mb4_0900_ai_ci, and comparing
 * across collations fails ("Illegal mix of collations") or skips indexes.
 */
export function checkAppSchema(rows: Pick<InfoSchemaRows, 'tables' | 'columns'>, targets: readonly { table: string; column: string }[] = FK_TARGETS): Finding[] {
  const findings: Finding[] = [];
  const tables = new Map(rows.tables.map((t) => [t.table_name, t]));
  const problem = (table: string, what: string, message: string, extra: Record<string, unknown> = {}) =>
    findings.push({ kind: 'app_schema', message: `${table}: ${message}`, details: { table, what, ...extra } });

  for (const name of new Set([...APP_TABLES_READ, ...targets.map((t) => t.table)])) {
    const t = tables.get(name);
    if (!t) problem(name, 'table_missing', 'app table is missing');
    else if (t.table_collation !== REQUIRED_COLLATION) {
      problem(name, 'table_collation', `table collation is ${t.table_collation}, expected ${REQUIRED_COLLATION} (charset utf8mb4)`, { expected: REQUIRED_COLLATION, actual: t.table_collation });
    }
  }
  for (const target of targets) {
    if (!tables.has(target.table)) continue;
    const col = rows.columns.find((c) => c.table_name === target.table && c.column_name === target.column);
    if (!col) problem(target.table, 'fk_target_missing', `FK target column ${target.column} is missing`, { column: target.column });
    else if (col.data_type.toLowerCase() !== 'bigint' || /unsigned/i.test(col.column_type)) {
      problem(target.table, 'fk_target_type', `FK target column ${target.column} is ${col.column_type}, expected BIGINT (signed)`, { column: target.column, expected: 'bigint', actual: col.column_type });
    }
  }
  return findings;
}
