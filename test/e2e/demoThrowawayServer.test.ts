import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/freePort.js';
import { startPrivateServer, type PrivateServer } from '../helpers/privateServer.js';
import { processAlive } from '../helpers/processAlive.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THROWAWAY = /starting a throwaway (MariaDB|MySQL) \d+\.\d+ in (\S+) for this demo/;

interface Demo {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
  waitFor(text: string): Promise<void>;
}

const running = new Set<ChildProcess>();

function demo(env: Record<string, string>): Demo {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: ROOT,
    env: { ...process.env, FITMATCH_DEMO_SIZE: 'small', FITMATCH_DEMO_DIM: '64', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d) => {
    out += d;
    for (const w of waiters.filter((w) => out.includes(w.text))) w.resolve();
  });
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exit.then(() => reject(new Error(`demo exited before "${text}":\n${out}\n${err}`)));
      }),
  };
}

const alive = processAlive;

/** Live processes whose command line mentions `text` (a leaked mariadbd names its datadir). */
const processesMentioning = (text: string) =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text) && alive(Number(p));
      } catch {
        return false;
      }
    });

/** The server's directory from the demo's announcement; its pid from the pid file once seeding started. */
async function throwawayServer(d: Demo): Promise<{ dir: string; pid: number }> {
  await d.waitFor('[2/6] seeding');
  const dir = THROWAWAY.exec(d.out())?.[2];
  expect(dir, d.out()).toBeTruthy();
  const pid = Number(readFileSync(`${dir}/mysqld.pid`, 'utf8'));
  expect(alive(pid)).toBe(true);
  return { dir: dir!, pid };
}

afterEach(() => {
  // A failed assertion must not leave a demo (and its server) running.
  for (const c of running) c.kill('SIGKILL');
});

describe('npm run demo without a server', () => {
  it('runs the whole demo on a throwaway server, then stops and deletes it', async () => {
    const port = await freePort();
    const d = demo({ DATABASE_URL: `mysql://root@127.0.0.1:${port}/fitmatch_demo` });
    const { dir, pid } = await throwawayServer(d);
    expect(await d.exit, d.err()).toBe(0);

    expect(d.out()).toContain(`no MySQL/MariaDB answers at 127.0.0.1:${port}; starting a throwaway`);
    expect(d.out()).toContain('Top 5 postings for talent');
    expect(d.out()).toContain('demo finished');
    expect(existsSync(dir)).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  });

  it('on SIGTERM stops at a batch boundary (exit 5) and still removes the server', async () => {
    const port = await freePort();
    const d = demo({ DATABASE_URL: `mysql://root@127.0.0.1:${port}/fitmatch_demo`, FITMATCH_DEMO_SIZE: 'full' });
    const { dir, pid } = await throwawayServer(d);
    d.child.kill('SIGTERM');
    expect(await d.exit, `${d.out()}\n${d.err()}`).toBe(5);

    expect(d.out()).not.toContain('Top 5 postings for talent');
    expect(existsSync(dir)).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  });

  it('without a server binary, prints the one-line hint and exits 3', async () => {
    const port = await freePort();
    const d = demo({ DATABASE_URL: `mysql://root@127.0.0.1:${port}/fitmatch_demo`, FITMATCH_SERVER_BINARY: '/nonexistent/mysqld' });
    expect(await d.exit).toBe(3);
    expect(d.out()).not.toMatch(/throwaway/);
    expect(d.err().trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^error: cannot reach MySQL/MariaDB at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start MySQL or MariaDB`))]);
  });

  it('keeps the error for a DATABASE_URL naming a remote host', async () => {
    // TEST-NET-1: never routed, so the connection times out or is unreachable.
    const d = demo({ DATABASE_URL: 'mysql://root@192.0.2.1:3306/fitmatch_demo' });
    expect(await d.exit).toBe(3);
    expect(d.out()).not.toMatch(/throwaway/);
    expect(d.err()).toContain('192.0.2.1:3306');
  });
});

describe('npm run demo where root may not log in over TCP', () => {
  let p: PrivateServer;
  beforeAll(async () => {
    p = await startPrivateServer();
    const c = await p.connection();
    // Debian's MariaDB: root authenticates through the unix socket only.
    await c.query(p.server.binary.flavour === 'mariadb' ? `ALTER USER root@127.0.0.1 IDENTIFIED VIA unix_socket` : `ALTER USER root@127.0.0.1 IDENTIFIED BY 'not-empty'`);
    await c.end();
  });
  afterAll(async () => p?.dispose());

  it('falls back to a throwaway server of its own', async () => {
    const d = demo({ DATABASE_URL: `mysql://root@127.0.0.1:${p.server.port}/fitmatch_demo` });
    const { dir, pid } = await throwawayServer(d);
    expect(dir).not.toBe(p.server.dir);
    expect(await d.exit, d.err()).toBe(0);
    expect(d.out()).toMatch(new RegExp(`the MySQL/MariaDB at 127\\.0\\.0\\.1:${p.server.port} does not let root log in over TCP \\(ER_ACCESS_DENIED\\w*\\); starting a throwaway`));
    expect(d.out()).toContain('Top 5 postings for talent');
    expect(existsSync(dir)).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it('keeps the error when DATABASE_URL names another user, who was refused for a reason', async () => {
    const d = demo({ DATABASE_URL: `mysql://nobody:pw@127.0.0.1:${p.server.port}/fitmatch_demo` });
    expect(await d.exit).toBe(3);
    expect(d.out()).not.toMatch(/throwaway/);
    expect(d.err()).toContain(`refused user "nobody" (ER_ACCESS_DENIED_ERROR)`);
  });
});
