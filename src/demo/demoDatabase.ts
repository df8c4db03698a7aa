import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import type { DbSettings } from '../config.js';
import { poolOptions } from '../db/connect.js';
import { ExitCode, FitmatchError } from '../errors.js';

/** The table that marks a database as created by the demo, with who created it. */
export const DEMO_OWNER_TABLE = 'fitmatch_demo_owner';

/** This checkout of fitmatch (the demo's own database is one per OS user and checkout). */
const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));

/** Who runs the demo, from where: a database marked by anyone else is never dropped. */
export const demoOwner = (): string => `${userInfo().username}@${hostname()}:${CHECKOUT}`;

/**
 * The demo's own database name when DATABASE_URL gives none: the OS user and a
 * short hash of host and checkout, so two people (or two checkouts) on one
 * server never share it, and a re-run reuses its own.
 */
export function defaultDemoDatabase(user: string = userInfo().username, where: string = `${hostname()}:${CHECKOUT}`): string {
  const tag = createHash('sha1').update(where).digest('hex').slice(0, 6);
  return `fitmatch_demo_${user.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40)}_${tag}`;
}

/** DATABASE_URL when set (process env only), else the default server and the user's own demo database. */
export const demoDatabaseUrl = (env: NodeJS.ProcessEnv = process.env): string => env.DATABASE_URL || `mysql://root@127.0.0.1:3306/${defaultDemoDatabase()}`;

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
 * app's). Only a database whose name contains "demo" and that this demo created
 * (DEMO_OWNER_TABLE names `owner`) is ever dropped; any other is refused (exit 2).
 */
export async function recreateDemoDatabase(s: DbSettings, owner: string = demoOwner()): Promise<void> {
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
    const [exists] = await conn.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [s.database]);
    if ((exists as unknown[]).length) {
      const markedBy = await conn.query(`SELECT owner FROM \`${s.database}\`.${DEMO_OWNER_TABLE}`).then(
        ([rows]) => (rows as { owner: string }[])[0]?.owner ?? null,
        () => null,
      );
      if (markedBy !== owner) {
        throw new FitmatchError(
          `the database "${s.database}" exists and ${markedBy ? `was created by the demo of ${markedBy}` : 'was not created by the demo'}; the demo drops only its own. ` +
            `Name another one, e.g. DATABASE_URL=mysql://${s.user}@${s.host}:${s.port}/${defaultDemoDatabase()}_2 npm run demo`,
          ExitCode.USAGE,
        );
      }
      await conn.query(`DROP DATABASE \`${s.database}\``);
    }
    await conn.query(`CREATE DATABASE \`${s.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`CREATE TABLE \`${s.database}\`.${DEMO_OWNER_TABLE} (owner VARCHAR(255) NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`);
    await conn.query(`INSERT INTO \`${s.database}\`.${DEMO_OWNER_TABLE} (owner) VALUES (?)`, [owner]);
  } finally {
    await conn.end();
  }
}
