import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { createLocalServer, findServerBinary, startLocalServer } from '../../src/db/localServer.js';
import { ExitCode, toFitmatchError } from '../../src/errors.js';
import { mysqlFlavouredBinary } from '../helpers/mysqlFlavouredBinary.js';
import { startPrivateServer, type PrivateServer } from '../helpers/privateServer.js';
import { processAlive } from '../helpers/processAlive.js';

const alive = processAlive;

describe('a throwaway local server', () => {
  let p: PrivateServer;
  beforeAll(async () => {
    p = await startPrivateServer();
  });
  afterAll(async () => p?.dispose());

  it('is found on this machine and lets root in over TCP with an empty password, with our settings only', async () => {
    expect(findServerBinary()).toMatch(/(mariadbd|mysqld)$/);
    const s = p.server;
    expect(s.url).toBe(`mysql://root@127.0.0.1:${s.port}/`);
    expect(s.port).not.toBe(3306);
    const c = await p.connection();
    const [[row]] = await c.query<RowDataPacket[]>(
      'SELECT @@port AS port, @@datadir AS datadir, @@socket AS socket, @@local_infile AS localInfile, @@collation_server AS collation, @@character_set_server AS charset, CURRENT_USER() AS who',
    );
    expect(row).toEqual({ port: s.port, datadir: s.datadir + '/', socket: s.socket, localInfile: 1, collation: 'utf8mb4_unicode_ci', charset: 'utf8mb4', who: 'root@127.0.0.1' });
    await c.end();
  });

  it('keeps committed rows through a SIGKILL and a restart on the same datadir', async () => {
    const c = await p.connection();
    await c.query(`CREATE DATABASE crash; CREATE TABLE crash.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB; INSERT INTO crash.t VALUES (1, 'one'), (2, 'two')`);
    const before = p.server.pid!;
    await p.server.kill();
    expect(p.server.pid).toBeNull();
    expect(alive(before)).toBe(false);
    await expect(c.query('SELECT 1')).rejects.toThrow();

    await p.server.start();
    expect(p.server.pid).not.toBe(before);
    const c2 = await p.connection('crash');
    const [rows] = await c2.query('SELECT id, v FROM t ORDER BY id');
    expect(rows).toEqual([
      { id: 1, v: 'one' },
      { id: 2, v: 'two' },
    ]);
    await c2.end();
  });

  it('answers nothing while frozen, and everything once thawed', async () => {
    const c = await p.connection();
    await c.query('SELECT 1');
    p.server.freeze();
    try {
      await expect(c.query({ sql: 'SELECT 1', timeout: 1000 })).rejects.toMatchObject({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' });
      await expect(p.connection(undefined, { connectTimeout: 1000 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      p.server.thaw();
    }
    const c2 = await p.connection();
    const [rows] = await c2.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    await c2.end();
  });

  it('stops cleanly on stop(); connections are then refused until start()', async () => {
    const pid = p.server.pid!;
    await p.server.stop();
    expect(p.server.pid).toBeNull();
    expect(alive(pid)).toBe(false);
    expect(readFileSync(p.server.errorLog, 'utf8')).toMatch(/Shutdown complete/);
    await expect(p.connection()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await p.server.start();
    const c = await p.connection('crash');
    const [rows] = await c.query('SELECT COUNT(*) AS n FROM t');
    expect(rows).toEqual([{ n: 2 }]);
    await c.end();
  });

  it('gives fitmatch a migrated database; a fitmatch pool reports a killed server as exit 3 and reconnects after a restart', async () => {
    const t = await p.createDatabase('fmt_private');
    const db = await connect(t.config.db);
    try {
      const [[before]] = await db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM fitmatch_migrations');
      expect(Number(before.n)).toBeGreaterThan(0);

      await p.server.kill();
      const lost = await db.pool.query('SELECT 1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(toFitmatchError(lost)?.exitCode).toBe(ExitCode.DB_UNAVAILABLE);

      await p.server.start();
      const [[after]] = await db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM match_results');
      expect(Number(after.n)).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe('startLocalServer / remove()', () => {
  it('runs servers side by side; remove() kills the process, deletes the directory, and may be called twice', async () => {
    const [a, b] = await Promise.all([startLocalServer(), startLocalServer()]);
    expect(a.port).not.toBe(b.port);
    expect(a.dir).not.toBe(b.dir);
    const pids = [a.pid!, b.pid!];
    await Promise.all([a.remove(), b.remove()]);
    for (const s of [a, b]) {
      expect(existsSync(s.dir)).toBe(false);
      expect(s.pid).toBeNull();
    }
    expect(pids.filter(alive)).toEqual([]);
    await a.remove();
    await expect(a.start()).rejects.toThrow(/was removed/);
  });

  it('removes a frozen server', async () => {
    const s = await startLocalServer();
    const pid = s.pid!;
    s.freeze();
    await s.remove();
    expect(alive(pid)).toBe(false);
    expect(existsSync(s.dir)).toBe(false);
  });

  it('fails with the tail of its error log when its port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const s = await createLocalServer({ port });
    try {
      await expect(s.start()).rejects.toThrow(new RegExp(`port ${port}\\) exited while starting[\\s\\S]*(Address already in use|Do you already have another)`));
      expect(s.pid).toBeNull();
    } finally {
      await s.remove();
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(existsSync(s.dir)).toBe(false);
  });
});

describe('the MySQL path (--initialize-insecure, root@localhost only)', () => {
  it('initialises with mysqld, gives root@127.0.0.1 an empty password at start, and survives a crash', async () => {
    const bin = mysqlFlavouredBinary();
    const s = await startLocalServer({ binary: bin.path });
    try {
      expect(s.binary).toMatchObject({ flavour: 'mysql', label: expect.stringMatching(/^MySQL \d+\.\d+$/) });
      // --initialize-insecure creates root@localhost only: root@127.0.0.1 comes from the init file.
      const c = await mysql.createConnection({ uri: s.url });
      c.on('error', () => {});
      const [users] = await c.query<RowDataPacket[]>(`SELECT Host AS host FROM mysql.user WHERE User = 'root' ORDER BY Host`);
      expect(users.map((u) => u.host)).toEqual(bin.wrapped ? ['127.0.0.1', 'localhost'] : expect.arrayContaining(['127.0.0.1', 'localhost']));
      c.destroy();
      await s.kill();
      await s.start();
      const c2 = await mysql.createConnection({ uri: s.url });
      const [[row]] = await c2.query<RowDataPacket[]>('SELECT @@local_infile AS li, @@collation_server AS coll');
      expect(row).toEqual({ li: 1, coll: 'utf8mb4_unicode_ci' });
      await c2.end();
    } finally {
      await s.remove();
      bin.dispose();
    }
    expect(existsSync(s.dir)).toBe(false);
  });
});
