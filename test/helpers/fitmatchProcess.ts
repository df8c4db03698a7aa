import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/fitmatch', import.meta.url));

export interface FitmatchOptions {
  /** The child's whole environment besides PATH: nothing leaks in from the test runner's. */
  env?: Record<string, string>;
  /** Default: an empty scratch directory (no .env). */
  cwd?: string;
}

export interface FitmatchProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code, or the name of the signal that killed it ('SIGKILL'). */
  exit: Promise<number | string>;
  /** Resolves once stderr matches; rejects if the process exits first or after timeoutMs. */
  /** A RegExp, or any { test(stderr) } (a predicate over the log so far). */
  waitFor(pattern: string | { test(stderr: string): boolean }, timeoutMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let scratch: string | null = null;

/** An empty directory for children to run in, removed by killAllFitmatch(). */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'fitmatch-hardening-'));
  return scratch;
}

/** Spawns bin/fitmatch (which runs dist/, built by vitest's global setup). */
export function spawnFitmatch(args: string[], opts: FitmatchOptions = {}): FitmatchProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? scratchDir(),
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    // fd 3: a channel for test preloads (spawnFitmatchWhileLoading).
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters) w();
  });
  const exit = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const matches = (p: string | { test(stderr: string): boolean }) => (typeof p === 'string' ? err.includes(p) : p.test(err));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!matches(pattern)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        void exit.then(() => {
          if (!waiters.has(check)) return;
          done();
          if (matches(pattern)) resolve();
          else reject(new Error(`exited before ${pattern} appeared on stderr:\n${err}`));
        });
        check();
      }),
  };
}

/** Runs bin/fitmatch to completion. */
export async function runFitmatch(args: string[], opts: FitmatchOptions = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = spawnFitmatch(args, opts);
  const code = await p.exit;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/**
 * Spawns bin/fitmatch with a preload that reports on fd 3 the moment bin/fitmatch's
 * early signal recorder exists: from then until src/shutdown.ts takes over, the
 * modules are loading. `ready` resolves at that moment.
 */
export function spawnFitmatchWhileLoading(args: string[], opts: FitmatchOptions = {}): FitmatchProcess & { ready: Promise<void> } {
  const p = spawnFitmatch(args, { ...opts, env: { ...opts.env, NODE_OPTIONS: `--import=${EARLY_PRELOAD}` } });
  const ready = new Promise<void>((resolve, reject) => {
    (p.child.stdio[3] as NodeJS.ReadableStream).once('data', () => resolve());
    void p.exit.then((code) => reject(new Error(`exited (${code}) before bin/fitmatch ran:\n${p.stderr()}`)));
  });
  return Object.assign(p, { ready });
}
const EARLY_PRELOAD = fileURLToPath(new URL('./announceEarlySignals.mjs', import.meta.url));

/** The JSON log lines of a stderr (json format), parsed. */
export const jsonLines = (stderr: string): Record<string, unknown>[] =>
  stderr
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Kills every child still running and removes the scratch directory: for afterAll. */
export async function killAllFitmatch(): Promise<void> {
  const exits = [...live].map((c) => new Promise((r) => c.once('close', r)));
  for (const c of live) c.kill('SIGKILL');
  await Promise.all(exits);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
}
