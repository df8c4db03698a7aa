import cliProgress from 'cli-progress';
import type { Logger } from './log.js';

export interface Progress {
  /** Advance by n units; fields go into the JSON event. */
  tick(n: number, fields?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

/** Without a TTY, at most one progress line per this many ms (plus the first and the last). */
export const PROGRESS_LOG_INTERVAL_MS = 30_000;

/**
 * A bar on an interactive stderr, otherwise `progress` events through the
 * logger (a JSON line in json format), throttled by time: the first tick, then
 * at most one per `intervalMs`, and the one that completes the total, so a cron
 * log shows movement without a line per batch.
 */
export function createProgress(log: Logger, opts: { task: string; total: number; unit?: string; tty?: boolean; intervalMs?: number; now?: () => number; ttyOnly?: boolean }): Progress {
  let done = 0;
  let total = opts.total;
  const now = opts.now ?? Date.now;
  const started = now();
  const interval = opts.intervalMs ?? PROGRESS_LOG_INTERVAL_MS;
  let lastLogged = -Infinity;
  const tty = opts.tty ?? (process.stderr.isTTY === true && log.format === 'human');
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: `${opts.task} [{bar}] {value}/{total} ${opts.unit ?? ''} {percentage}% eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      tick: (n) => bar.increment(n),
      setTotal: (t) => bar.setTotal(t),
      stop: () => bar.stop(),
    };
  }
  // ttyOnly: the caller logs its own events (one per block), a second stream of lines would repeat them.
  if (opts.ttyOnly) return { tick: () => {}, setTotal: () => {}, stop: () => {} };
  return {
    tick: (n, fields) => {
      done += n;
      const t = now();
      if (t - lastLogged < interval && done < total) return;
      lastLogged = t;
      const elapsedMs = t - started;
      log.event('progress', { task: opts.task, done, total, unit: opts.unit, elapsedMs, ...fields }, `${opts.task}: ${done}/${total} ${opts.unit ?? ''}`.trim());
    },
    setTotal: (t) => {
      total = t;
    },
    stop: () => {},
  };
}

/** A phase shorter than this shows no bar. */
export const PHASE_BAR_DELAY_MS = 1000;

/**
 * Runs `fn` as a phase of unknown length (merge, indexes, a write): on an
 * interactive stderr, once it has lasted PHASE_BAR_DELAY_MS, a line with its
 * name and the time so far until it ends. Without a TTY nothing: the logs and
 * the summary carry its duration.
 */
export async function withPhaseBar<T>(log: Pick<Logger, 'format'>, task: string, fn: () => Promise<T>, opts: { tty?: boolean; stream?: NodeJS.WritableStream; delayMs?: number } = {}): Promise<T> {
  const tty = opts.tty ?? (process.stderr.isTTY === true && log.format === 'human');
  if (!tty) return fn();
  let bar: cliProgress.SingleBar | null = null;
  const timer = setTimeout(() => {
    bar = new cliProgress.SingleBar({ format: `${task} … {duration_formatted}`, stream: opts.stream ?? process.stderr, hideCursor: true, noTTYOutput: opts.stream !== undefined }, cliProgress.Presets.shades_classic);
    bar.start(1, 0);
  }, opts.delayMs ?? PHASE_BAR_DELAY_MS);
  try {
    return await fn();
  } finally {
    clearTimeout(timer);
    (bar as cliProgress.SingleBar | null)?.stop();
  }
}
