import type { Logger } from './log.js';

/** Where a test can hold a process (FITMATCH_TEST_HOLD). */
export type HoldPoint = 'after_block' | 'before_publish' | 'before_apply' | 'in_apply' | 'before_match' | 'watch_wait';

const reached = new Map<HoldPoint, number>();

/**
 * Test hook that replaces sleeping and hoping: with FITMATCH_TEST_HOLD="point[@n],…"
 * the process, the n-th time (default the first; `*` every time) it reaches
 * `point`, logs the event `held` {point, n} and waits there until its stop
 * signal aborts (SIGTERM/SIGINT, or a lost lock) or SIGUSR2 lets it go on. A
 * test waits for that event on stderr, then acts: nothing depends on timing.
 * Without the variable it does nothing.
 */
export async function holdPoint(point: HoldPoint, log: Logger, signal: AbortSignal): Promise<void> {
  const spec = process.env.FITMATCH_TEST_HOLD;
  if (!spec) return;
  const n = (reached.get(point) ?? 0) + 1;
  reached.set(point, n);
  const wanted = spec.split(',').some((s) => {
    const [name, at] = s.trim().split('@');
    return name === point && (at === undefined ? n === 1 : at === '*' || Number(at) === n);
  });
  if (!wanted) return;
  signal.throwIfAborted();
  // Listening before saying so: a test sends SIGUSR2 the moment it reads the event, and a SIGUSR2 with no listener ends the process.
  const released = new Promise<void>((resolve, reject) => {
    const go = () => {
      done();
      resolve();
    };
    const stop = () => {
      done();
      reject(signal.reason);
    };
    const done = () => {
      process.off('SIGUSR2', go);
      signal.removeEventListener('abort', stop);
    };
    process.on('SIGUSR2', go);
    signal.addEventListener('abort', stop, { once: true });
    // Whoever watches the event may have stopped it already.
    if (signal.aborted) stop();
  });
  log.event('held', { point, n, pid: process.pid }, `held at ${point} (#${n}) for a test: SIGUSR2 lets it go on`);
  await released;
}
