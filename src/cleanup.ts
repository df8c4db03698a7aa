import type { Logger } from './log.js';
import { messageOf } from './errors.js';

/**
 * Runs one cleanup step (release a lock, close a pool, record a failed run). It
 * must never mask the error it cleans up after, and after a lost connection it
 * usually fails too: the failure is logged at debug level and swallowed.
 */
export async function quietly(log: Pick<Logger, 'debug'> | undefined, what: string, step: () => unknown): Promise<void> {
  try {
    await step();
  } catch (e) {
    log?.debug(`cleanup: could not ${what}: ${messageOf(e)}`);
  }
}
