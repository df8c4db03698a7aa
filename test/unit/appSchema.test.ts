import { describe, expect, it } from 'vitest';
import { APP_TABLES_READ, checkAppSchema } from '../../src/migrate/appSchema.js';

const ok = 'utf8mb4_unicode_ci';
const tables = () => APP_TABLES_READ.map((t) => ({ table_name: t as string, table_collation: ok }));
const idCol = (table: string, column: string, column_type = 'bigint(20)') => ({
  table_name: table, column_name: column, ordinal_position: 1, column_default: null, is_nullable: 'NO',
  data_type: column_type.split('(')[0].split(' ')[0], column_type, extra: '', collation_name: null,
});
const columns = () => [idCol('users', 'id'), idCol('talent_profiles', 'user_id'), idCol('job_postings', 'id')];

describe('checkAppSchema', () => {
  it('passes the app schema as the fixture defines it', () => {
    expect(checkAppSchema({ tables: tables(), columns: columns() })).toEqual([]);
  });

  it('reports every missing table of an empty database', () => {
    const findings = checkAppSchema({ tables: [], columns: [] });
    expect(findings.map((f) => f.details?.table)).toEqual([...APP_TABLES_READ]);
    expect(findings.every((f) => f.kind === 'app_schema' && f.details?.what === 'table_missing')).toBe(true);
  });

  it('reports FK targets that are not signed BIGINT, or missing', () => {
    const cols = [idCol('users', 'id', 'int(11)'), idCol('job_postings', 'id', 'bigint(20) unsigned')];
    expect(checkAppSchema({ tables: tables(), columns: cols }).map((f) => [f.details?.table, f.details?.what, f.details?.actual])).toEqual([
      ['users', 'fk_target_type', 'int(11)'],
      ['talent_profiles', 'fk_target_missing', undefined],
      ['job_postings', 'fk_target_type', 'bigint(20) unsigned'],
    ]);
  });

  it("reports tables not in utf8mb4_unicode_ci (MySQL 8's default utf8mb4_0900_ai_ci included)", () => {
    const t = tables().map((r) => (r.table_name === 'companies' ? { ...r, table_collation: 'utf8mb4_0900_ai_ci' } : r.table_name === 'talent_cards' ? { ...r, table_collation: 'utf8mb3_general_ci' } : r));
    expect(checkAppSchema({ tables: t, columns: columns() }).map((f) => f.message)).toEqual([
      'companies: table collation is utf8mb4_0900_ai_ci, expected utf8mb4_unicode_ci (charset utf8mb4)',
      'talent_cards: table collation is utf8mb3_general_ci, expected utf8mb4_unicode_ci (charset utf8mb4)',
    ]);
  });
});
