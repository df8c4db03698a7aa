import mysql from 'mysql2/promise';
import type { DbSettings } from '../config.js';
import { poolOptions } from '../db/connect.js';
import { ExitCode, FitmatchError } from '../errors.js';

export const DEMO_DATABASE_URL = 'mysql://root@127.0.0.1:3306/fitmatch_demo';

const START_HINT =
  'start MySQL or MariaDB, e.g. Debian/Ubuntu: `sudo apt-get install -y mariadb-server && sudo service mariadb start`, ' +
  'or Docker: `docker run -d -p 3306:3306 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes mysql:8.0 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci`' +
  ' (or point DATABASE_URL at a server you have)';

/** One line: what went wrong reaching the server, and how to get one running. */
export function unreachableMessage(s: DbSettings, e: unknown): string {
  const err = e as { code?: string; message?: string };
  const where = `${s.host}:${s.port}`;
  if (err.code === 'ER_ACCESS_DENIED_ERROR' || err.code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR' || err.code === 'ER_HOST_NOT_PRIVILEGED' || err.code === 'ER_DBACCESS_DENIED_ERROR') {
    return `MySQL/MariaDB at ${where} refused user "${s.user}" (${err.code}); set DATABASE_URL=mysql://USER:PASSWORD@${where}/${s.database} for a user that may create databases`;
  }
  return `cannot reach MySQL/MariaDB at ${where} (${err.code ?? err.message ?? 'error'}): ${START_HINT}`;
}

/**
 * Drops and recreates the demo's own database (utf8mb4 / utf8mb4_unicode_ci, as the
 * app's). Only a database whose name contains "demo" is ever dropped.
 */
export async function recreateDemoDatabase(s: DbSettings): Promise<void> {
  if (!/demo/i.test(s.database)) {
    throw new FitmatchError(`the demo drops and recreates its database; refusing "${s.database}" because its name does not contain "demo"`, ExitCode.USAGE);
  }
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({ ...poolOptions(s, null), connectTimeout: 5000 });
  } catch (e) {
    throw new FitmatchError(unreachableMessage(s, e), ExitCode.DB_UNAVAILABLE, { cause: e });
  }
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${s.database}\``);
    await conn.query(`CREATE DATABASE \`${s.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}
