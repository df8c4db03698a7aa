import { is, SQL } from 'drizzle-orm';
import { getTableConfig, MySqlColumn, MySqlDialect, MySqlTable } from 'drizzle-orm/mysql-core';
import { normalizeExpression, normalizeFkRule, normalizeLiteral, normalizeType } from './normalize.js';
import { REQUIRED_COLLATION, type ColumnShape, type IndexShape, type TableShape } from './schemaShape.js';

const dialect = new MySqlDialect();
const CHARACTER_TYPES = /^(char|varchar|tinytext|text|mediumtext|longtext|enum|set)\b/;

/** The drizzle schema objects in src/schema are the one source of truth for what the owned tables look like. */
export function expectedTables(schema: Record<string, unknown>): TableShape[] {
  return Object.values(schema)
    .filter((v): v is MySqlTable => is(v, MySqlTable))
    .map(expectedTable)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function expectedTable(table: MySqlTable): TableShape {
  const cfg = getTableConfig(table);
  const columns: ColumnShape[] = cfg.columns.map((c) => {
    const type = normalizeType(c.getSQLType());
    return {
      name: c.name,
      type,
      nullable: !c.notNull,
      default: expectedDefault(c),
      autoIncrement: Boolean((c as unknown as { autoIncrement?: boolean }).autoIncrement),
      collation: CHARACTER_TYPES.test(type) ? REQUIRED_COLLATION : null,
    };
  });
  const primaryKey = cfg.primaryKeys.length ? cfg.primaryKeys[0].columns.map((c) => c.name) : cfg.columns.filter((c) => c.primary).map((c) => c.name);
  const indexes: IndexShape[] = [
    ...cfg.indexes.map((i) => ({ name: i.config.name, columns: i.config.columns.map(indexPart), unique: Boolean(i.config.unique) })),
    ...cfg.uniqueConstraints.map((u) => ({ name: u.getName()!, columns: u.columns.map((c) => c.name), unique: true })),
    ...cfg.columns.filter((c) => c.isUnique).map((c) => ({ name: c.uniqueName ?? `${cfg.name}_${c.name}_unique`, columns: [c.name], unique: true })),
  ];
  const foreignKeys = cfg.foreignKeys.map((fk) => {
    const ref = fk.reference();
    return {
      name: fk.getName(),
      columns: ref.columns.map((c) => c.name),
      refTable: getTableConfig(ref.foreignTable).name,
      refColumns: ref.foreignColumns.map((c) => c.name),
      onDelete: normalizeFkRule(fk.onDelete),
    };
  });
  return { name: cfg.name, collation: REQUIRED_COLLATION, columns, primaryKey, indexes, foreignKeys };
}

function expectedDefault(c: MySqlColumn): string | null {
  if (!c.hasDefault || c.default === undefined) return null;
  if (c.default === null) return null;
  if (is(c.default, SQL)) return normalizeExpression(dialect.sqlToQuery(c.default).sql);
  if (typeof c.default === 'boolean') return normalizeLiteral(c.default ? '1' : '0');
  if (typeof c.default === 'object') return normalizeLiteral(JSON.stringify(c.default));
  return normalizeLiteral(String(c.default));
}

function indexPart(part: MySqlColumn | SQL): string {
  if (is(part, MySqlColumn)) return part.name;
  // sql`${t.col} desc`: render and strip the backticks.
  const text = dialect.sqlToQuery(part as SQL).sql.replace(/`/g, '').trim().replace(/^[^\s.]+\./, '');
  const m = /^(\S+)\s+(asc|desc)$/i.exec(text);
  return m ? (m[2].toLowerCase() === 'desc' ? `${m[1]} DESC` : m[1]) : text;
}
