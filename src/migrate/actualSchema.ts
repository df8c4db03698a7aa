import { normalizeDbDefault, normalizeFkRule, normalizeType } from './normalize.js';
import type { ColumnShape, ForeignKeyShape, IndexShape, TableShape } from './schemaShape.js';

export type Flavor = 'mariadb' | 'mysql';

/** Rows as read from information_schema (readInfoSchema.ts), lower-case keys. */
export interface InfoSchemaRows {
  flavor: Flavor;
  tables: { table_name: string; table_collation: string | null }[];
  columns: {
    table_name: string;
    column_name: string;
    ordinal_position: number;
    column_default: string | null;
    is_nullable: string;
    data_type: string;
    column_type: string;
    extra: string;
    collation_name: string | null;
  }[];
  statistics: { table_name: string; index_name: string; non_unique: number | string; seq_in_index: number; column_name: string | null; collation: string | null; sub_part: number | null }[];
  foreignKeys: { table_name: string; constraint_name: string; column_name: string; ordinal_position: number; referenced_table_name: string; referenced_column_name: string; delete_rule: string }[];
  /** MariaDB only: json_valid() CHECKs, which mark a LONGTEXT column as JSON. */
  jsonChecks: { table_name: string; check_clause: string }[];
}

/** information_schema rows to TableShapes, one per table present. */
export function actualTables(rows: InfoSchemaRows): Map<string, TableShape> {
  const out = new Map<string, TableShape>();
  const jsonCols = new Set(rows.jsonChecks.flatMap((c) => jsonValidColumn(c.check_clause).map((col) => `${c.table_name}.${col}`)));
  for (const t of rows.tables) {
    const cols = rows.columns.filter((c) => c.table_name === t.table_name).sort((a, b) => a.ordinal_position - b.ordinal_position);
    const columns: ColumnShape[] = cols.map((c) => {
      // MariaDB stores JSON as LONGTEXT (collation utf8mb4_bin) plus CHECK (json_valid(col)).
      const isJson = c.data_type.toLowerCase() === 'json' || (c.data_type.toLowerCase() === 'longtext' && jsonCols.has(`${t.table_name}.${c.column_name}`));
      return {
        name: c.column_name,
        type: isJson ? 'json' : normalizeType(c.column_type),
        nullable: c.is_nullable === 'YES',
        default: normalizeDbDefault(c.column_default, rows.flavor, c.extra ?? ''),
        autoIncrement: /auto_increment/i.test(c.extra ?? ''),
        collation: isJson ? null : c.collation_name,
      };
    });
    const byIndex = new Map<string, IndexShape>();
    for (const s of rows.statistics.filter((s) => s.table_name === t.table_name).sort((a, b) => a.seq_in_index - b.seq_in_index)) {
      const idx = byIndex.get(s.index_name) ?? { name: s.index_name, columns: [], unique: Number(s.non_unique) === 0 };
      let part = s.column_name ?? '(expression)';
      if (s.sub_part) part += `(${s.sub_part})`;
      if (s.collation === 'D') part += ' DESC';
      idx.columns.push(part);
      byIndex.set(s.index_name, idx);
    }
    const foreignKeys = groupForeignKeys(rows.foreignKeys.filter((f) => f.table_name === t.table_name));
    const fkByName = new Map(foreignKeys.map((f) => [f.name, f]));
    const indexes = [...byIndex.values()].filter((i) => {
      if (i.name === 'PRIMARY') return false;
      // The server creates an index named after an FK constraint when no index covers its columns.
      const fk = fkByName.get(i.name);
      return !(fk && !i.unique && fk.columns.join(',') === i.columns.join(','));
    });
    out.set(t.table_name, {
      name: t.table_name,
      collation: t.table_collation,
      columns,
      primaryKey: byIndex.get('PRIMARY')?.columns ?? [],
      indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)),
      foreignKeys,
    });
  }
  return out;
}

function groupForeignKeys(rows: InfoSchemaRows['foreignKeys']): ForeignKeyShape[] {
  const byName = new Map<string, ForeignKeyShape>();
  for (const r of [...rows].sort((a, b) => a.ordinal_position - b.ordinal_position)) {
    const fk = byName.get(r.constraint_name) ?? { name: r.constraint_name, columns: [], refTable: r.referenced_table_name, refColumns: [], onDelete: normalizeFkRule(r.delete_rule) };
    fk.columns.push(r.column_name);
    fk.refColumns.push(r.referenced_column_name);
    byName.set(r.constraint_name, fk);
  }
  return [...byName.values()];
}

/** "json_valid(`params`)" -> ["params"]. */
export function jsonValidColumn(clause: string): string[] {
  return [...clause.matchAll(/json_valid\(\s*`?([^`)\s]+)`?\s*\)/gi)].map((m) => m[1]);
}
