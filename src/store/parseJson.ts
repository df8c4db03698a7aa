/** A JSON column's value: MariaDB's JSON is LONGTEXT and returns strings, MySQL returns objects. */
export function parseJson<T = unknown>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}
