import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { seedDirtyData } from '../db/matchDirtyData.js';
import { publishedRows } from '../db/matchHelpers.js';

const BIN = fileURLToPath(new URL('../../bin/fitmatch', import.meta.url));

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
  waitFor(text: string): Promise<void>;
}

function run(t: TestDatabase, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters.filter((w) => err.includes(w.text))) w.resolve();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => err,
    exit,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (err.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exit.then(() => reject(new Error(`exited before "${text}":\n${err}`)));
      }),
  };
}

const lastRun = async (t: TestDatabase) => ((await t.exec('SELECT id, status FROM match_runs ORDER BY id DESC LIMIT 1')) as { id: number; status: string }[])[0];
/** Held right before publishing until a signal ends it. */
const PAUSE = { FITMATCH_TEST_HOLD: 'before_publish' };

describe('fitmatch match as a process', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('match_e2e');
    await seedDirtyData(t);
    const first = run(t, ['match', '--top-k', '2']);
    expect(await first.exit, first.stderr()).toBe(0);
  });
  afterAll(async () => t?.drop());

  it('SIGKILL between compute and publish leaves match_results unchanged; the next run recovers', async () => {
    const before = await publishedRows(t);
    const p = run(t, ['match', '--top-k', '5'], PAUSE);
    await p.waitFor('"event":"held"');
    p.child.kill('SIGKILL');
    await p.exit;
    expect(await publishedRows(t)).toEqual(before);
    expect((await lastRun(t)).status).toBe('running');

    const again = run(t, ['match', '--top-k', '5']);
    expect(await again.exit, again.stderr()).toBe(0);
    const rows = await publishedRows(t);
    expect(rows.length).toBeGreaterThan(before.length);
    expect(await t.exec("SELECT status FROM match_runs WHERE status = 'running'")).toEqual([]);
  });

  it('a second concurrent run exits 4 at once; SIGTERM stops the first with exit 5, nothing published', async () => {
    const before = await publishedRows(t);
    const first = run(t, ['match', '--top-k', '1'], PAUSE);
    await first.waitFor('"event":"held"');
    const second = run(t, ['match']);
    expect(await second.exit).toBe(4);
    expect(second.stderr()).toMatch(/another fitmatch (match|process)/);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(5);
    expect(await publishedRows(t)).toEqual(before);
    expect((await lastRun(t)).status).toBe('interrupted');
    const tables = (await t.exec("SHOW TABLES LIKE 'match_results_next'")) as unknown[];
    expect(tables).toEqual([]);
  });

  it('rollback as a process restores the previous run', async () => {
    const previous = await publishedRows(t, 'match_results_previous');
    const p = run(t, ['rollback']);
    expect(await p.exit, p.stderr()).toBe(0);
    expect(await publishedRows(t)).toEqual(previous);
  });
});
