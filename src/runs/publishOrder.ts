import type { Queryable } from '../store/sql.js';
import { ExitCode, FitmatchError } from '../errors.js';
import type { Logger } from '../log.js';
import { readPublishedState } from '../store/resultTables.js';
import { matchRunById, type MatchRun } from '../store/runStore.js';

/** What orders two runs' data: when each read its snapshot of the source tables. */
export interface SnapshotPoint {
  id: number;
  /** The database server's clock when the run's consistent snapshot was taken; null: unknown (before migration 0003 recorded it). */
  snapshotAt: Date | null;
}

/**
 * Whether `a` saw newer source data than `b`: a later snapshot time, ties broken
 * by the higher run id. A run without a snapshot time is older than any run with one.
 */
export function isNewer(a: SnapshotPoint, b: SnapshotPoint): boolean {
  const ta = a.snapshotAt?.getTime() ?? -Infinity;
  const tb = b.snapshotAt?.getTime() ?? -Infinity;
  return ta !== tb ? ta > tb : a.id > b.id;
}

const name = (r: MatchRun | SnapshotPoint & { runKey?: string | null }) => `run ${r.id}${'runKey' in r && r.runKey ? ` ("${r.runKey}")` : ''}`;
const when = (r: SnapshotPoint) => (r.snapshotAt ? `its snapshot was read at ${r.snapshotAt.toISOString()}` : 'its snapshot time is unknown');

/** A publish that would move match_results back to older data: exit STALE_RUN, nothing changed. */
export class StaleRunError extends FitmatchError {
  constructor(run: MatchRun, published: MatchRun) {
    super(
      `refusing to publish ${name(run)}: the published ${name(published)} read newer data (${name(run)}: ${when(run)}; ${name(published)}: ${when(published)}). ` +
        `match_results is unchanged. To publish the older set anyway: \`fitmatch publish --run-id ${run.id} --force\``,
      ExitCode.STALE_RUN,
    );
    this.name = 'StaleRunError';
  }
}

/**
 * The one rule every publish passes (a full run, the last shard, `publish`, an
 * incremental run, re-publishing a kept set): a run may replace the published
 * set only if its snapshot is newer. Call it holding the match lock, right
 * before the swap or the apply. `force` (publish --run-id N --force) overrides, logged.
 */
export async function assertPublishesForward(q: Queryable, run: MatchRun, o: { force?: boolean; log: Logger }): Promise<void> {
  const state = await readPublishedState(q);
  if (!state || state.runId === run.id) return;
  const published = await matchRunById(q, state.runId);
  if (!published || isNewer(run, published)) return;
  const refusal = new StaleRunError(run, published);
  if (!o.force) throw refusal;
  o.log.warn(`publishing ${name(run)} over the newer ${name(published)} (--force)`);
}
