import { describe, expect, it } from 'vitest';
import { actualTables, jsonValidColumn, type InfoSchemaRows } from '../../src/migrate/actualSchema.js';
import { diffSchema } from '../../src/migrate/diffSchema.js';
import { expectedTables } from '../../src/migrate/expectedSchema.js';
import * as schema from '../../src/schema/index.js';

type Col = InfoSchemaRows['columns'][number];
const col = (table: string, i: number, name: string, column_type: string, o: Partial<Col> = {}): Col => ({
  table_name: table, column_name: name, ordinal_position: i, column_default: null, is_nullable: 'NO',
  data_type: column_type.replace(/\(.*$/, '').split(' ')[0], column_type, extra: '', collation_name: null, ...o,
});

/** match_runs as each server reports it in information_schema. */
function matchRunsRows(flavor: 'mariadb' | 'mysql'): InfoSchemaRows {
  const maria = flavor === 'mariadb';
  const t = 'match_runs';
  const ci = { collation_name: 'utf8mb4_unicode_ci' };
  const nullDefault = { is_nullable: 'YES', column_default: maria ? 'NULL' : null };
  const jsonCol = (i: number, name: string) => (maria ? col(t, i, name, 'longtext', { ...nullDefault, collation_name: 'utf8mb4_bin' }) : col(t, i, name, 'json', nullDefault));
  return {
    flavor,
    tables: [{ table_name: t, table_collation: 'utf8mb4_unicode_ci' }],
    columns: [
      col(t, 1, 'id', maria ? 'bigint(20)' : 'bigint', { extra: 'auto_increment' }),
      col(t, 2, 'kind', "enum('full','incremental','backfill')", ci),
      col(t, 3, 'status', "enum('preparing','running','staged','succeeded','failed','interrupted','rolled_back','abandoned')", ci),
      jsonCol(4, 'params'),
      jsonCol(5, 'counts'),
      jsonCol(6, 'timings'),
      col(t, 7, 'error', 'text', { ...ci, ...nullDefault }),
      col(t, 8, 'host', 'varchar(255)', { ...ci, ...nullDefault }),
      col(t, 9, 'pid', maria ? 'int(11)' : 'int', nullDefault),
      col(t, 10, 'started_at', 'datetime(3)'),
      col(t, 11, 'finished_at', 'datetime(3)', nullDefault),
      col(t, 12, 'created_at', 'datetime(3)', maria ? { column_default: 'current_timestamp(3)' } : { column_default: 'CURRENT_TIMESTAMP(3)', extra: 'DEFAULT_GENERATED' }),
      col(t, 13, 'run_key', 'varbinary(191)', nullDefault),
      col(t, 14, 'shards', maria ? 'int(11)' : 'int', nullDefault),
      col(t, 15, 'base_run_id', maria ? 'bigint(20)' : 'bigint', nullDefault),
      col(t, 16, 'snapshot_at', 'datetime(6)', nullDefault),
    ],
    statistics: [
      { table_name: t, index_name: 'PRIMARY', non_unique: 0, seq_in_index: 1, column_name: 'id', collation: 'A', sub_part: null },
      ...['kind', 'status', 'id'].map((c, i) => ({ table_name: t, index_name: 'ix_match_runs_kind_status', non_unique: maria ? 1 : '1', seq_in_index: i + 1, column_name: c, collation: 'A', sub_part: null })),
      { table_name: t, index_name: 'ux_match_runs_run_key', non_unique: 0, seq_in_index: 1, column_name: 'run_key', collation: 'A', sub_part: null },
    ],
    foreignKeys: [],
    jsonChecks: maria ? ['params', 'counts', 'timings'].map((c) => ({ table_name: t, check_clause: `json_valid(\`${c}\`)` })) : [],
  };
}

const expectedRuns = expectedTables(schema).filter((t) => t.name === 'match_runs');

describe('actualTables', () => {
  it.each(['mariadb', 'mysql'] as const)('reads %s information_schema as the same shape as the drizzle schema', (flavor) => {
    expect(diffSchema(expectedRuns, actualTables(matchRunsRows(flavor)))).toEqual([]);
  });

  it('sees a MariaDB LONGTEXT without a json_valid CHECK as longtext, not json', () => {
    const rows = matchRunsRows('mariadb');
    rows.jsonChecks = rows.jsonChecks.filter((c) => !c.check_clause.includes('params'));
    const findings = diffSchema(expectedRuns, actualTables(rows));
    expect(findings.map((f) => f.details)).toEqual([{ table: 'match_runs', what: 'column_differs', column: 'params', field: 'type', expected: 'json', actual: 'longtext' }]);
  });

  it('ignores the index the server creates for an FK, but not a hand-made one on the same columns', () => {
    const fkRow = { table_name: 'x', constraint_name: 'fk_x_owner', column_name: 'owner', ordinal_position: 1, referenced_table_name: 'users', referenced_column_name: 'id', delete_rule: 'CASCADE' };
    const rows: InfoSchemaRows = {
      flavor: 'mysql',
      tables: [{ table_name: 'x', table_collation: 'utf8mb4_unicode_ci' }],
      columns: [col('x', 1, 'owner', 'bigint')],
      statistics: [
        { table_name: 'x', index_name: 'fk_x_owner', non_unique: 1, seq_in_index: 1, column_name: 'owner', collation: 'A', sub_part: null },
        { table_name: 'x', index_name: 'ix_by_hand', non_unique: 1, seq_in_index: 1, column_name: 'owner', collation: 'D', sub_part: null },
      ],
      foreignKeys: [fkRow],
      jsonChecks: [],
    };
    const x = actualTables(rows).get('x')!;
    expect(x.indexes).toEqual([{ name: 'ix_by_hand', columns: ['owner DESC'], unique: false }]);
    expect(x.foreignKeys).toEqual([{ name: 'fk_x_owner', columns: ['owner'], refTable: 'users', refColumns: ['id'], onDelete: 'cascade' }]);
  });

  it('parses json_valid CHECK clauses', () => {
    expect(jsonValidColumn('json_valid(`params`)')).toEqual(['params']);
    expect(jsonValidColumn('json_valid(x)')).toEqual(['x']);
    expect(jsonValidColumn('`a` > 0')).toEqual([]);
  });
});
