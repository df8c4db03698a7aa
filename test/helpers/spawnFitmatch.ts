import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/fitmatch', import.meta.url));

export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves once stderr contains `text` (count times); rejects if the process exits first. */
  waitFor(text: string, count?: number): Promise<void>;
}

/** Spawns bin/fitmatch with JSON logs against `url`; env adds to (and may override) the test's environment. */
export function spawnFitmatch(url: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const occurrences = (text: string) => err.split(text).length - 1;
  const waiters: { text: string; count: number; resolve: () => void }[] = [];
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of waiters.filter((w) => occurrences(w.text) >= w.count)) w.resolve();
  });
  // 'close', not 'exit': only then has all of the child's output been read.
  const exit = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (text, count = 1) =>
      new Promise<void>((resolve, reject) => {
        if (occurrences(text) >= count) return resolve();
        waiters.push({ text, count, resolve });
        void exit.then(() => (occurrences(text) >= count ? resolve() : reject(new Error(`exited before "${text}" x${count}:\n${err}`))));
      }),
  };
}

/** Runs to completion; rejects with the output when the exit code is not `expected`. */
export async function runFitmatch(url: string, args: string[], expected = 0, env: Record<string, string> = {}): Promise<Proc> {
  const p = spawnFitmatch(url, args, env);
  const code = await p.exit;
  if (code !== expected) throw new Error(`fitmatch ${args.join(' ')} exited ${code}, expected ${expected}:\n${p.stderr()}`);
  return p;
}
