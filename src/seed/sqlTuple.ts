import mysql from 'mysql2';
import { RawSql, type Row, type SqlValue } from './tables.js';

const pad = (n: number) => (n < 10 ? '0' + n : String(n));

/** 'YYYY-MM-DD HH:MM:SS' in UTC, matching the pool's timezone 'Z'. */
export const sqlDatetime = (d: Date): string =>
  `'${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}'`;

export function sqlValue(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (v instanceof RawSql) return v.sql;
  if (v instanceof Date) return sqlDatetime(v);
  return mysql.escape(v);
}

/** "(1,'a',NULL)" for a multi-row INSERT. */
export function sqlTuple(row: Row): string {
  let s = '(';
  for (let i = 0; i < row.length; i++) s += (i ? ',' : '') + sqlValue(row[i]);
  return s + ')';
}
