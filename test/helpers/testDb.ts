import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config.js';
import { connect, poolOptions, type Db } from '../../src/db/connect.js';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { APP_SCHEMA_SQL } from '../../src/seed/appSchema.js';

/** Where tests create their databases; override with TEST_DATABASE_URL (any database name; it is replaced). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  name: string;
  /** DATABASE_URL for this database (for spawning bin/fitmatch). */
  url: string;
  config: Config;
  db: Db;
  /** Runs SQL as root on this database with multipleStatements (fixtures, dirty rows). */
  exec(sql: string, params?: unknown[]): Promise<unknown>;
  drop(): Promise<void>;
}

export function testUrl(name: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = '/' + name;
  return u.toString();
}

async function admin(database: string | null): Promise<mysql.Connection> {
  const base = loadConfig({ env: { DATABASE_URL: TEST_SERVER_URL }, cwd: null });
  return mysql.createConnection({ ...poolOptions(base.db, database), multipleStatements: true });
}

/**
 * A fresh, uniquely named database loaded with the app's schema fixture and,
 * unless migrate: false, fitmatch's migrations.
 */
export async function createTestDatabase(label: string, opts: { migrate?: boolean; fixture?: boolean } = {}): Promise<TestDatabase> {
  const name = `fmt_${label.replace(/\W+/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const root = await admin(null);
  try {
    await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await root.end();
  }
  const url = testUrl(name);
  const conn = await admin(name);
  const exec = async (sql: string, params?: unknown[]) => (await conn.query(sql, params))[0];
  if (opts.fixture !== false) await exec(readFileSync(APP_SCHEMA_SQL, 'utf8'));
  const config = loadConfig({ env: { DATABASE_URL: url }, cwd: null });
  const db = await connect(config.db);
  if (opts.migrate !== false) await applyMigrations(db);
  return {
    name,
    url,
    config,
    db,
    exec,
    drop: async () => {
      await db.close();
      await exec(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
