import { LockedError } from '../errors.js';
import type { Logger } from '../log.js';
import { report, type Report } from '../report.js';

export const SKIP_IF_LOCKED_HELP = 'exit 0, saying so, instead of 4 when another fitmatch process holds a lock this run needs (for the frequent incremental job: the next one catches up)';

/**
 * `--skip-if-locked`: a run that finds another one at work is not a failure for
 * the every-few-minutes job, so it ends with 0 and a report saying it skipped.
 * What it committed before (a backfill) stays; nothing was published.
 */
export async function skipIfLocked(fn: () => Promise<Report>, log: Pick<Logger, 'event'>): Promise<Report> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof LockedError)) throw e;
    log.event('skipped_locked', { reason: e.message }, `skipped (--skip-if-locked): ${e.message}`);
    return report({ skipped: true, reason: e.message }, `skipped (--skip-if-locked): ${e.message}; nothing was published`);
  }
}
