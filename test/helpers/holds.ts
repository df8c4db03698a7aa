import type { Logger } from '../../src/log.js';

/**
 * Runs `fn` with FITMATCH_TEST_HOLD set (src/holdPoint.ts), for in-process
 * commands: each of `points` holds every time it is reached, and `onHeld` is
 * called with the point when the command logs it is held there.
 */
export async function withHolds<T>(points: string[], log: Logger, onHeld: (point: string) => void, fn: () => Promise<T>): Promise<T> {
  const before = process.env.FITMATCH_TEST_HOLD;
  process.env.FITMATCH_TEST_HOLD = points.map((p) => `${p}@*`).join(',');
  const event = log.event.bind(log);
  log.event = (name, fields, msg) => {
    event(name, fields, msg);
    if (name === 'held') onHeld(String(fields.point));
  };
  try {
    return await fn();
  } finally {
    log.event = event;
    if (before === undefined) delete process.env.FITMATCH_TEST_HOLD;
    else process.env.FITMATCH_TEST_HOLD = before;
  }
}
