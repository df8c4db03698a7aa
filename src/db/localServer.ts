import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { freePort } from './freePort.js';
import { describeServerBinary, findServerBinary, type ServerBinary } from './serverBinary.js';
import { forgetDir, reapOnExit } from './serverReaper.js';
import { copyDatadir, datadirShapeArgs, runAsRootArgs, templateDatadir, tmpdirArg } from './serverTemplate.js';

export { findServerBinary } from './serverBinary.js';

/**
 * A MySQL/MariaDB server of our own, in a temp directory, for the demo and for
 * tests that kill, freeze or restart a server. root logs in over TCP with an empty password.
 */
export interface LocalServer {
  /** mysql://root@127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  readonly socket: string;
  readonly datadir: string;
  /** The temp directory holding datadir, socket, pid file and error log; gone after remove(). */
  readonly dir: string;
  readonly errorLog: string;
  readonly binary: ServerBinary;
  /** The server process while it runs, else null. */
  readonly pid: number | null;
  /** (Re)starts on the same datadir and port; resolves when root can run a query over TCP. */
  start(): Promise<void>;
  /** SIGTERM (clean shutdown); resolves when the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL (a crash); resolves when the process has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets but answers nothing. */
  freeze(): void;
  /** SIGCONT */
  thaw(): void;
  /** Stops it if running and deletes its directory. Idempotent. */
  remove(): Promise<void>;
}

export interface LocalServerOptions {
  /** Default: a free port picked by the OS. */
  port?: number;
  log?: (line: string) => void;
  /** Default: findServerBinary(). */
  binary?: string;
  /** How long start() waits for the first successful login. Default 60 s (crash recovery included). */
  startTimeoutMs?: number;
}

const STOP_TIMEOUT_MS = 60_000;

// Runs at every start: MySQL's --initialize-insecure only creates root@localhost, which
// --skip-name-resolve keeps to the unix socket. One statement per line, as init_file requires.
const INIT_SQL = [
  "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';",
  "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
  '',
].join('\n');

function serverArgs(bin: ServerBinary, s: { datadir: string; socket: string; port: number; dir: string; errorLog: string }): string[] {
  return [
    // First, so that /etc/mysql and ~/.my.cnf (the shared server's settings) never apply.
    '--no-defaults',
    `--datadir=${s.datadir}`,
    `--socket=${s.socket}`,
    `--port=${s.port}`,
    '--bind-address=127.0.0.1',
    `--pid-file=${path.join(s.dir, 'mysqld.pid')}`,
    `--log-error=${s.errorLog}`,
    `--secure-file-priv=${path.join(s.dir, 'files')}`,
    `--init-file=${path.join(s.dir, 'init.sql')}`,
    tmpdirArg(s.dir),
    '--skip-log-bin',
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=64M',
    '--innodb-buffer-pool-dump-at-shutdown=OFF',
    '--innodb-buffer-pool-load-at-startup=OFF',
    '--performance-schema=OFF',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    '--local-infile=1',
    ...datadirShapeArgs(bin),
    // MySQL's X plugin would listen on 33060 (and /tmp/mysqlx.sock) in every copy.
    ...(bin.flavour === 'mysql' ? ['--mysqlx=OFF'] : []),
    ...runAsRootArgs(),
  ];
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no error log)';
  }
}

/**
 * SIGSTOP reaches a busy multi-threaded server's threads one by one; a query sent right
 * after kill() can still be answered. On Linux, wait (briefly, synchronously) until every
 * thread is stopped, so that "frozen" means frozen when freeze() returns.
 */
function waitStopped(pid: number): void {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return;
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + 2000; Date.now() < deadline; Atomics.wait(sleep, 0, 0, 2)) {
    try {
      const states = readdirSync(tasks).map((t) => /^\d+ \(.*\) (\S)/s.exec(readFileSync(`${tasks}/${t}/stat`, 'utf8'))?.[1]);
      if (states.every((st) => st === 'T' || st === 't')) return;
    } catch {
      // a thread exited while we looked: look again
    }
  }
}

class Server implements LocalServer {
  readonly url: string;
  readonly socket: string;
  readonly datadir: string;
  readonly errorLog: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';
  private frozen = false;
  private initialised = false;
  private removing: Promise<void> | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    readonly binary: ServerBinary,
    readonly dir: string,
    readonly port: number,
    private readonly log: (line: string) => void,
    private readonly startTimeoutMs: number,
  ) {
    this.url = `mysql://root@127.0.0.1:${port}/`;
    this.socket = path.join(dir, 'mysqld.sock');
    this.datadir = path.join(dir, 'data');
    this.errorLog = path.join(dir, 'error.log');
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): Promise<void> {
    if (this.removing) return Promise.reject(new Error(`the throwaway server in ${this.dir} was removed`));
    if (this.child && !this.starting) return Promise.resolve();
    this.starting ??= this.startOnce().finally(() => (this.starting = null));
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    const started = Date.now();
    if (!this.initialised) {
      await copyDatadir(await templateDatadir(this.binary, this.log), this.datadir, this.binary);
      await mkdir(path.join(this.dir, 'files'));
      await mkdir(path.join(this.dir, 'tmp'));
      await writeFile(path.join(this.dir, 'init.sql'), INIT_SQL);
      this.initialised = true;
    }
    this.spawn();
    await this.waitReady(started);
    this.log(`${this.binary.label} (pid ${this.pid}) answers on 127.0.0.1:${this.port} after ${Date.now() - started} ms`);
  }

  private spawn(): void {
    this.stderr = '';
    const child = spawn(this.binary.path, serverArgs(this.binary, this), { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      const gone = () => {
        if (this.child === child) {
          this.child = null;
          this.frozen = false;
          // The pid may be reused from now on: never kill it on exit.
          if (!this.removing) reapOnExit(this.dir, null);
        }
        resolve();
      };
      child.on('exit', gone);
      child.on('error', (e) => {
        this.stderr += String(e);
        gone();
      });
    });
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    // A forgotten server must not keep this process alive; the reaper kills it on exit.
    child.unref();
    (child.stderr as Socket).unref();
    if (child.pid) reapOnExit(this.dir, child.pid);
  }

  private async waitReady(started: number): Promise<void> {
    let last: unknown = null;
    while (Date.now() - started < this.startTimeoutMs) {
      if (!this.child) throw this.failure('exited while starting');
      try {
        const conn = await mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', password: '', connectTimeout: 2000 });
        conn.on('error', () => {});
        try {
          await conn.query('SELECT 1');
          return;
        } finally {
          conn.destroy();
        }
      } catch (e) {
        last = e;
      }
      await delay(50);
    }
    const why = `did not let root log in over TCP within ${this.startTimeoutMs / 1000}s (last error: ${(last as Error)?.message ?? 'none'})`;
    await this.kill();
    throw this.failure(why);
  }

  private failure(what: string): Error {
    const stderr = this.stderr.trim() ? `\nstderr:\n${this.stderr.trim()}` : '';
    return new Error(`throwaway ${this.binary.label} server (${this.binary.path}, port ${this.port}) ${what}; tail of ${this.errorLog}:\n${tail(this.errorLog)}${stderr}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    // A stopped process only sees SIGTERM once continued.
    if (this.frozen) child.kill('SIGCONT');
    if (!(await this.waitExit(STOP_TIMEOUT_MS))) {
      await this.kill();
      throw this.failure(`did not shut down within ${STOP_TIMEOUT_MS / 1000}s of SIGTERM and was killed`);
    }
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.waitExit(Infinity);
  }

  private async waitExit(ms: number): Promise<boolean> {
    // The child is unref'd: this timer is what keeps the event loop alive meanwhile.
    const ac = new AbortController();
    const timer = delay(Number.isFinite(ms) ? ms : 2 ** 31 - 1, false, { signal: ac.signal }).catch(() => false);
    const done = await Promise.race([this.exited.then(() => true), timer]);
    ac.abort();
    return done;
  }

  freeze(): void {
    const child = this.running();
    child.kill('SIGSTOP');
    this.frozen = true;
    waitStopped(child.pid!);
  }

  thaw(): void {
    this.running().kill('SIGCONT');
    this.frozen = false;
  }

  private running(): ChildProcess {
    if (!this.child) throw new Error(`the throwaway server in ${this.dir} is not running`);
    return this.child;
  }

  remove(): Promise<void> {
    this.removing ??= (async () => {
      await this.stop().catch(() => this.kill());
      await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
      forgetDir(this.dir);
    })();
    return this.removing;
  }
}

/**
 * A throwaway server, set up but not started: the temp directory exists and the port
 * is chosen, so callers can say where it lives before the (slower) start().
 */
export async function createLocalServer(opts: LocalServerOptions = {}): Promise<LocalServer> {
  const file = opts.binary ?? findServerBinary();
  if (!file) throw new Error('no MySQL or MariaDB server binary (mariadbd, mysqld) found on PATH or in /usr/sbin, /usr/local/mysql/bin, …');
  const binary = describeServerBinary(file);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fitmatch-mysqld-'));
  reapOnExit(dir, null);
  const port = opts.port ?? (await freePort());
  return new Server(binary, dir, port, opts.log ?? (() => {}), opts.startTimeoutMs ?? 60_000);
}

/** createLocalServer + start(); on a port taken between picking and binding, tries another. */
export async function startLocalServer(opts: LocalServerOptions = {}): Promise<LocalServer> {
  for (let attempt = 1; ; attempt++) {
    const server = await createLocalServer(opts);
    try {
      await server.start();
      return server;
    } catch (e) {
      const portRace = opts.port === undefined && attempt < 3 && existsSync(server.errorLog) && /Address already in use|Do you already have another/i.test(tail(server.errorLog, 50));
      await server.remove();
      if (!portRace) throw e;
    }
  }
}
