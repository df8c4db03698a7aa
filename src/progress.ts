import cliProgress from 'cli-progress';
import { formatDuration } from './formatDuration.js';
import type { Logger } from './log.js';
import { stderrLine, type StatusLine } from './statusLine.js';

export interface Progress {
  /** Advance by n units; fields go into the JSON event. */
  tick(n: number, fields?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

const BAR_SIZE = 40;

/** On a TTY, the bar is redrawn at most this often (and at its end). */
const REDRAW_MS = 100;

/**
 * The bar's line: cli-progress's own bar and time formatting, drawn on the
 * status line (src/statusLine.ts) rather than by cli-progress's renderer, which
 * saves and restores the cursor and so overwrites whatever was logged meanwhile.
 * No ETA before the first unit is done: "eta 0s" at 0% would be a lie.
 */
export function barText(task: string, done: number, total: number, unit: string | undefined, elapsedMs: number, width: number): string {
  const progress = total > 0 ? Math.min(1, done / total) : 0;
  const eta = done > 0 && done < total ? Math.round((elapsedMs / done) * (total - done) / 1000) : done >= total ? 0 : NaN;
  const format = `${task} [{bar}] {value}/{total}${unit ? ` ${unit}` : ''} {percentage}%${Number.isNaN(eta) ? '' : ' eta {eta_formatted}'}`;
  const options = { format, barsize: BAR_SIZE, barCompleteString: '\u2588'.repeat(BAR_SIZE), barIncompleteString: '\u2591'.repeat(BAR_SIZE), barGlue: '', autopadding: false, autopaddingChar: '' };
  const params = { progress, eta: Number.isNaN(eta) ? 0 : eta, startTime: Date.now() - elapsedMs, stopTime: null, total, value: done, maxWidth: width };
  return cliProgress.Format.Formatter(options as unknown as cliProgress.Options, params as unknown as cliProgress.Params, {});
}

/** Without a TTY, at most one progress line per this many ms (plus the first and the last). */
export const PROGRESS_LOG_INTERVAL_MS = 30_000;

/**
 * A bar on an interactive stderr, otherwise `progress` events through the
 * logger (a JSON line in json format), throttled by time: the first tick, then
 * at most one per `intervalMs`, and the one that completes the total, so a cron
 * log shows movement without a line per batch.
 */
export function createProgress(
  log: Logger,
  opts: { task: string; total: number; unit?: string; tty?: boolean; intervalMs?: number; now?: () => number; ttyOnly?: boolean; line?: StatusLine; width?: number },
): Progress {
  let done = 0;
  let total = opts.total;
  const now = opts.now ?? Date.now;
  const started = now();
  const interval = opts.intervalMs ?? PROGRESS_LOG_INTERVAL_MS;
  let lastLogged = -Infinity;
  const tty = opts.tty ?? (process.stderr.isTTY === true && log.format === 'human');
  if (tty) {
    const line = opts.line ?? stderrLine;
    let lastDrawn = -Infinity;
    const draw = (force: boolean) => {
      const t = now();
      if (!force && t - lastDrawn < REDRAW_MS) return;
      lastDrawn = t;
      line.draw(barText(opts.task, done, total, opts.unit, t - started, (opts.width ?? process.stderr.columns) || 80));
    };
    draw(true);
    return {
      tick: (n) => {
        done += n;
        draw(done >= total);
      },
      setTotal: (t) => {
        total = t;
        draw(true);
      },
      stop: () => line.end(true),
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
export async function withPhaseBar<T>(log: Pick<Logger, 'format'>, task: string, fn: () => Promise<T>, opts: { tty?: boolean; line?: StatusLine; delayMs?: number } = {}): Promise<T> {
  const tty = opts.tty ?? (process.stderr.isTTY === true && log.format === 'human');
  if (!tty) return fn();
  const line = opts.line ?? stderrLine;
  const started = Date.now();
  let shown = false;
  let ticker: NodeJS.Timeout | undefined;
  const draw = () => line.draw(`${task} … ${formatDuration(Date.now() - started)}`);
  const timer = setTimeout(() => {
    shown = true;
    draw();
    ticker = setInterval(draw, 1000);
    ticker.unref();
  }, opts.delayMs ?? PHASE_BAR_DELAY_MS);
  timer.unref();
  try {
    return await fn();
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
    if (shown) line.end(false);
  }
}
