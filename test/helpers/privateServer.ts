import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { loadConfig, type Config } from '../../src/config.js';
import { connect } from '../../src/db/connect.js';
import { startLocalServer, type LocalServer } from '../../src/db/localServer.js';
import { applyMigrations } from '../../src/migrate/migrator.js';
import { APP_SCHEMA_SQL } from '../../src/seed/appSchema.js';

/**
 * A MariaDB/MySQL server of the test file's own, for server-fault tests: kill,
 * freeze or restart `server` in the middle of a fitmatch run without touching
 * the shared server other test files use.
 */
export interface PrivateServer {
  server: LocalServer;
  /** DATABASE_URL for `database` on this server (for loadConfig or a spawned bin/fitmatch). */
  url(database?: string): string;
  /** Runs one query on a fresh root connection and returns its rows: safe across restarts of the server. */
  exec(database: string, sql: string, params?: unknown[]): Promise<unknown>;
  /** A root connection (multipleStatements); dispose() destroys it if still open. */
  connection(database?: string, opts?: mysql.ConnectionOptions): Promise<mysql.Connection>;
  /** Creates `name` with the app's schema and, unless migrate: false, fitmatch's migrations. */
  createDatabase(name: string, opts?: { migrate?: boolean; fixture?: boolean }): Promise<{ name: string; url: string; config: Config }>;
  /** Destroys open connections, stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

export async function startPrivateServer(): Promise<PrivateServer> {
  const server = await startLocalServer();
  const open = new Set<mysql.Connection>();
  const url = (database = '') => `${server.url}${database}`;

  const connection = async (database?: string, opts: mysql.ConnectionOptions = {}) => {
    const conn = await mysql.createConnection({ uri: url(database), multipleStatements: true, ...opts });
    // An idle connection whose server is killed emits 'error'; unheard, that would crash the worker.
    conn.on('error', () => {});
    open.add(conn);
    const end = conn.end.bind(conn);
    conn.end = (async () => {
      open.delete(conn);
      await end();
    }) as typeof conn.end;
    return conn;
  };

  return {
    server,
    url,
    connection,
    exec: async (database, sql, params) => {
      const conn = await connection(database);
      try {
        return (await conn.query(sql, params))[0];
      } finally {
        await conn.end();
      }
    },
    createDatabase: async (name, opts = {}) => {
      const root = await connection();
      try {
        await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        if (opts.fixture !== false) await root.query(`USE \`${name}\`; ${readFileSync(APP_SCHEMA_SQL, 'utf8')}`);
      } finally {
        await root.end();
      }
      const config = loadConfig({ env: { DATABASE_URL: url(name) }, cwd: null });
      if (opts.migrate !== false) {
        const db = await connect(config.db);
        try {
          await applyMigrations(db);
        } finally {
          await db.close();
        }
      }
      return { name, url: url(name), config };
    },
    dispose: async () => {
      for (const c of open) c.destroy();
      open.clear();
      await server.remove();
    },
  };
}
