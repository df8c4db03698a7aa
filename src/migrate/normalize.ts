/**
 * MySQL 8 and MariaDB describe the same column differently in information_schema,
 * and drizzle spells it a third way. These functions map all three to one form.
 */

const INTEGER_TYPES = /^(tinyint|smallint|mediumint|int|integer|bigint)\s*\(\s*\d+\s*\)/;

/**
 * bigint(20) (MariaDB, MySQL 5.7) and bigint (MySQL 8.0.19+) are the same type: display
 * widths are dropped, except tinyint(1), which both servers keep and drivers read as boolean.
 */
export function normalizeType(raw: string): string {
  const m = /^\s*([a-zA-Z]+)\s*(\(.*\))?\s*([a-zA-Z ]*)$/s.exec(raw);
  if (!m) return raw.trim();
  let base = m[1].toLowerCase().replace(/\s+/g, ' ');
  const args = m[2] ?? '';
  const suffix = m[3].toLowerCase().trim();
  if (base === 'integer') base = 'int';
  if (base === 'boolean' || base === 'bool') return 'tinyint(1)';
  if (base === 'enum' || base === 'set') return `${base}${args}${suffix ? ' ' + suffix : ''}`;
  let type = base + args.replace(/\s+/g, '');
  if (INTEGER_TYPES.test(type) && type !== 'tinyint(1)') type = type.replace(/\(\d+\)/, '');
  return suffix ? `${type} ${suffix}` : type;
}

const CURRENT_TIMESTAMP = /^\(?\s*(current_timestamp|now|localtimestamp)\s*(\(\s*(\d*)\s*\))?\s*\)?$/i;

/** An expression default (drizzle sql`...`, MariaDB unquoted, MySQL DEFAULT_GENERATED) in canonical form. */
export function normalizeExpression(raw: string): string {
  const s = raw.trim();
  const ts = CURRENT_TIMESTAMP.exec(s);
  if (ts) return ts[3] && ts[3] !== '0' ? `CURRENT_TIMESTAMP(${ts[3]})` : 'CURRENT_TIMESTAMP';
  const inner = /^\((.*)\)$/s.exec(s);
  return (inner ? inner[1] : s).trim().toLowerCase();
}

/** A literal default: numbers compare by value (0 and 0.00 are equal), strings quoted. */
export function normalizeLiteral(value: string): string {
  if (/^-?\d+(\.\d+)?$/.test(value)) return String(Number(value));
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * information_schema.COLUMNS.COLUMN_DEFAULT to canonical form. MariaDB quotes string
 * literals, reports a nullable column without default as the string 'NULL', and spells
 * CURRENT_TIMESTAMP as current_timestamp(); MySQL 8 leaves literals unquoted, uses SQL
 * NULL, and marks expressions with EXTRA=DEFAULT_GENERATED.
 */
export function normalizeDbDefault(raw: string | null, flavor: 'mariadb' | 'mysql', extra: string): string | null {
  if (raw === null) return null;
  if (flavor === 'mariadb') {
    if (raw === 'NULL') return null;
    const quoted = /^'(.*)'$/s.exec(raw);
    if (quoted) return normalizeLiteral(quoted[1].replace(/''/g, "'").replace(/\\\\/g, '\\'));
    if (/^-?\d+(\.\d+)?$/.test(raw)) return normalizeLiteral(raw);
    return normalizeExpression(raw);
  }
  if (/DEFAULT_GENERATED/i.test(extra) || CURRENT_TIMESTAMP.test(raw)) return normalizeExpression(raw);
  return normalizeLiteral(raw);
}

/** RESTRICT and NO ACTION behave identically in InnoDB and servers report either for an unspecified rule. */
export function normalizeFkRule(raw: string | undefined | null): string {
  const r = (raw ?? 'no action').toLowerCase().replace(/_/g, ' ');
  return r === 'no action' ? 'restrict' : r;
}
