import { describe, expect, it } from 'vitest';
import { diffSchema } from '../../src/migrate/diffSchema.js';
import type { ColumnShape, TableShape } from '../../src/migrate/schemaShape.js';

const column = (name: string, o: Partial<ColumnShape> = {}): ColumnShape => ({ name, type: 'bigint', nullable: false, default: null, autoIncrement: false, collation: null, ...o });
const table = (o: Partial<TableShape> = {}): TableShape => ({
  name: 'match_results',
  collation: 'utf8mb4_unicode_ci',
  columns: [column('talent_user_id'), column('job_posting_id'), column('rank', { type: 'int' }), column('computed_at', { type: 'datetime', default: 'CURRENT_TIMESTAMP' })],
  primaryKey: ['talent_user_id', 'job_posting_id'],
  indexes: [{ name: 'ix_talent', columns: ['talent_user_id', 'rank'], unique: false }],
  foreignKeys: [{ name: 'match_results_talent_user_id_users_id_fk', columns: ['talent_user_id'], refTable: 'users', refColumns: ['id'], onDelete: 'cascade' }],
  ...o,
});
const diff = (actual: TableShape) => diffSchema([table()], new Map([[actual.name, actual]])).map((f) => f.details);

describe('diffSchema', () => {
  it('finds nothing when the shapes are equal, whatever the column order', () => {
    const t = table();
    expect(diff({ ...t, columns: [...t.columns].reverse() })).toEqual([]);
  });

  it('reports a missing table once, not once per column', () => {
    expect(diffSchema([table()], new Map())).toEqual([{ kind: 'drift', message: 'match_results: table is missing', details: { table: 'match_results', what: 'table_missing' } }]);
  });

  it('reports extra, missing and changed columns field by field', () => {
    const t = table();
    const cols = t.columns.filter((c) => c.name !== 'rank').map((c) => (c.name === 'computed_at' ? { ...c, nullable: true, default: null } : c));
    expect(diff({ ...t, columns: [...cols, column('note', { type: 'varchar(10)' })] })).toEqual([
      { table: 'match_results', what: 'column_missing', column: 'rank', expected: column('rank', { type: 'int' }) },
      { table: 'match_results', what: 'column_differs', column: 'computed_at', field: 'nullable', expected: false, actual: true },
      { table: 'match_results', what: 'column_differs', column: 'computed_at', field: 'default', expected: 'CURRENT_TIMESTAMP', actual: null },
      { table: 'match_results', what: 'column_unexpected', column: 'note', actual: column('note', { type: 'varchar(10)' }) },
    ]);
  });

  it('compares indexes by name: missing, unexpected, different columns/order/uniqueness', () => {
    expect(diff(table({ indexes: [] })).map((d) => d?.what)).toEqual(['index_missing']);
    expect(diff(table({ indexes: [...table().indexes, { name: 'ix_extra', columns: ['rank'], unique: false }] })).map((d) => d?.what)).toEqual(['index_unexpected']);
    expect(diff(table({ indexes: [{ name: 'ix_talent', columns: ['talent_user_id', 'rank DESC'], unique: false }] })).map((d) => d?.what)).toEqual(['index_differs']);
    expect(diff(table({ indexes: [{ name: 'ix_talent', columns: ['talent_user_id', 'rank'], unique: true }] })).map((d) => d?.what)).toEqual(['index_differs']);
  });

  it('compares FKs by signature, not name (the publisher renames tables and their FKs)', () => {
    const renamed = table({ foreignKeys: [{ ...table().foreignKeys[0], name: 'match_results_talent_user_id_users_id_fk_g7' }] });
    expect(diff(renamed)).toEqual([]);
    const weakened = table({ foreignKeys: [{ ...table().foreignKeys[0], onDelete: 'restrict' }] });
    expect(diff(weakened).map((d) => d?.what)).toEqual(['fk_missing', 'fk_unexpected']);
  });

  it('reports the primary key and the table collation', () => {
    expect(diff(table({ primaryKey: ['talent_user_id'], collation: 'utf8mb4_0900_ai_ci' })).map((d) => d?.what)).toEqual(['table_collation', 'primary_key']);
  });
});
