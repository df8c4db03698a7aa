/**
 * The freshness a `fitmatch watch` gives: from a write to the published rows.
 * A watcher runs as a process (`--no-backfill`: the bench data has no app JSON;
 * the talent change writes the embedding a backfill would write); each round
 * writes, then waits for the watcher's `watch_pass` event that published it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { onLogEvents } from './logEvents.js';
import { fileURLToPath } from 'node:url';

export interface WatchProcess {
  child: ChildProcess;
  /** The next watch_pass event with one of these outcomes, after the ones seen so far. */
  nextPass(outcomes: string[]): Promise<Record<string, unknown> & { at: number }>;
  stop(): Promise<number | null>;
}

export function spawnWatch(url: string, args: string[], log: (l: string) => void): WatchProcess {
  const bin = fileURLToPath(new URL('../bin/fitmatch', import.meta.url));
  const child = spawn(process.execPath, [bin, 'watch', ...args], { env: { ...process.env, DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' } });
  const passes: (Record<string, unknown> & { at: number })[] = [];
  const waiters = new Set<() => void>();
  let seen = 0;
  let exited: number | null | undefined;
  onLogEvents(
    child.stderr!,
    (ev) => {
      if (ev.event === 'watch_pass') passes.push({ ...ev, at: performance.now() });
      else if (ev.level === 'warn' || ev.level === 'error') log(`  [watch] ${String(ev.msg)}`);
      for (const w of waiters) w();
    },
    (line) => log(`  [watch] ${line}`),
  );
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve((exited = code))));
  return {
    child,
    nextPass: (outcomes) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (; seen < passes.length; seen++) {
            if (!outcomes.includes(String(passes[seen].outcome))) continue;
            waiters.delete(check);
            resolve(passes[seen++]);
            return;
          }
          if (exited !== undefined) reject(new Error(`fitmatch watch exited ${exited}`));
        };
        waiters.add(check);
        void exit.then(check);
        check();
      }),
    stop: async () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
