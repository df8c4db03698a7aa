import { OWNED_TABLES } from '../../src/schema/owned.js';
import { sql } from 'drizzle-orm';
import { bigint, index, json, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../../src/schema/index.js';
import { expectedTable, expectedTables } from '../../src/migrate/expectedSchema.js';
import { users } from '../../src/db/appTables.js';

describe('expectedTables (from the drizzle schema objects)', () => {
  const tables = expectedTables(schema);
  const byName = new Map(tables.map((t) => [t.name, t]));

  it('covers exactly the owned tables', () => {
    expect(tables.map((t) => t.name).sort()).toEqual([...OWNED_TABLES].sort());
  });

  it('describes match_results: columns, composite PK, order indexes (total_score DESC), FKs with ON DELETE CASCADE', () => {
    const mr = byName.get('match_results')!;
    expect(mr.primaryKey).toEqual(['direction', 'talent_user_id', 'job_posting_id']);
    expect(mr.columns.find((c) => c.name === 'direction')).toEqual({
      name: 'direction', type: "enum('talent_to_job','job_to_talent')", nullable: false, default: null, autoIncrement: false, collation: 'utf8mb4_unicode_ci',
    });
    expect(mr.columns.find((c) => c.name === 'score_roles')).toMatchObject({ type: 'decimal(5,2)', nullable: true, default: null, collation: null });
    expect(mr.columns.find((c) => c.name === 'computed_at')).toMatchObject({ type: 'datetime', default: 'CURRENT_TIMESTAMP' });
    expect(mr.indexes).toEqual([
      { name: 'ix_match_results_talent', columns: ['talent_user_id', 'direction', 'total_score DESC', 'job_posting_id'], unique: false },
      { name: 'ix_match_results_job', columns: ['job_posting_id', 'direction', 'total_score DESC', 'talent_user_id'], unique: false },
    ]);
    expect(mr.foreignKeys.map(({ columns, refTable, refColumns, onDelete }) => ({ columns, refTable, refColumns, onDelete }))).toEqual([
      { columns: ['talent_user_id'], refTable: 'users', refColumns: ['id'], onDelete: 'cascade' },
      { columns: ['job_posting_id'], refTable: 'job_postings', refColumns: ['id'], onDelete: 'cascade' },
    ]);
  });

  it('reads column-level primary keys, auto_increment, json and fsp defaults', () => {
    const runs = byName.get('match_runs')!;
    expect(runs.primaryKey).toEqual(['id']);
    expect(runs.columns.find((c) => c.name === 'id')).toMatchObject({ type: 'bigint', autoIncrement: true, nullable: false });
    expect(runs.columns.find((c) => c.name === 'params')).toMatchObject({ type: 'json', collation: null });
    expect(runs.columns.find((c) => c.name === 'created_at')).toMatchObject({ type: 'datetime(3)', default: 'CURRENT_TIMESTAMP(3)' });
    expect(byName.get('talent_embeddings')!.columns.find((c) => c.name === 'vectors')).toMatchObject({ type: 'mediumblob', nullable: false });
  });

  it('handles unique indexes, descending parts, unique columns and literal defaults', () => {
    const t = mysqlTable(
      'demo',
      {
        id: bigint('id', { mode: 'number' }).primaryKey(),
        code: varchar('code', { length: 10 }).notNull().unique(),
        label: varchar('label', { length: 10 }).default('none'),
        meta: json('meta'),
        owner: bigint('owner', { mode: 'number' }).references(() => users.id),
      },
      (t) => [uniqueIndex('ux_demo_label').on(t.label), index('ix_demo_owner').on(t.owner, sql`${t.id} desc`)],
    );
    const shape = expectedTable(t);
    expect(shape.indexes).toEqual([
      { name: 'ux_demo_label', columns: ['label'], unique: true },
      { name: 'ix_demo_owner', columns: ['owner', 'id DESC'], unique: false },
      { name: 'demo_code_unique', columns: ['code'], unique: true },
    ]);
    expect(shape.columns.find((c) => c.name === 'label')!.default).toBe("'none'");
    expect(shape.foreignKeys[0]).toMatchObject({ columns: ['owner'], refTable: 'users', onDelete: 'restrict' });
  });
});
