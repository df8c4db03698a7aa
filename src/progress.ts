import cliProgress from 'cli-progress';
import type { Logger } from './log.js';

export interface Progress {
  /** Advance by n units; fields go into the JSON event. */
  tick(n: number, fields?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A bar on an interactive stderr, otherwise one `progress` event per tick
 * through the logger (a JSON line in json format), so cron logs show movement.
 */
export function createProgress(log: Logger, opts: { task: string; total: number; unit?: string; tty?: boolean }): Progress {
  let done = 0;
  let total = opts.total;
  const started = Date.now();
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
  return {
    tick: (n, fields) => {
      done += n;
      const elapsedMs = Date.now() - started;
      log.event('progress', { task: opts.task, done, total, unit: opts.unit, elapsedMs, ...fields }, `${opts.task}: ${done}/${total} ${opts.unit ?? ''}`.trim());
    },
    setTotal: (t) => {
      total = t;
    },
    stop: () => {},
  };
}
