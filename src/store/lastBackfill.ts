import { row, type Queryable } from './sql.js';
import type { Clock } from '../clock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { formatDuration } from '../formatDuration.js';
import { parseJson } from './parseJson.js';
import type { BackfillRunCounts } from './runCounts.js';
import { hasSucceeded, SUCCEEDED, type RunStatus } from './runLifecycle.js';

export interface FinishedBackfill {
  id: number;
  counts: Partial<BackfillRunCounts>;
}

/** The newest backfill run that succeeded: what the next run's skips are compared with. */
export async function lastSucceededBackfill(q: Queryable): Promise<FinishedBackfill | null> {
  const r = await row<{ id: number; counts: unknown }>(q, "SELECT id, counts FROM match_runs WHERE kind = 'backfill' AND status IN (?) ORDER BY id DESC LIMIT 1", [SUCCEEDED]);
  return r ? { id: Number(r.id), counts: parseJson<BackfillRunCounts | null>(r.counts) ?? {} } : null;
}

/**
 * `match --max-backfill-age`: the newest backfill run must have succeeded and
 * finished within maxAgeMs, so a match never runs on vectors a failed (or
 * skipped) backfill left behind. Exit 31 otherwise, before anything is computed.
 */
export async function assertFreshBackfill(q: Queryable, clock: Clock, maxAgeMs: number): Promise<void> {
  const r = await row<{ id: number; status: RunStatus; finished_at: Date | null }>(q, "SELECT id, status, finished_at FROM match_runs WHERE kind = 'backfill' ORDER BY id DESC LIMIT 1");
  const stale = (why: string) =>
    new FitmatchError(`the embeddings are not fresh: ${why}; nothing was matched (run \`fitmatch backfill\` until it exits 0, then match again)`, ExitCode.STALE_VECTORS);
  if (!r) throw stale('no backfill has run on this database');
  if (!hasSucceeded(r.status)) throw stale(`the newest backfill run (${r.id}) is ${r.status}`);
  const age = clock.now().getTime() - (r.finished_at?.getTime() ?? 0);
  if (age > maxAgeMs) throw stale(`the newest backfill run (${r.id}) finished ${formatDuration(age)} ago, more than --max-backfill-age ${formatDuration(maxAgeMs)}`);
}
