import type { BackfillSummary } from '../backfill/summary.js';
import type { MatchSummary } from '../runs/matchSummary.js';
import type { IncrementalRunCounts } from '../store/runCounts.js';

/**
 * What one watch pass did: `quiet` (the app's tables did not move), `unchanged`
 * (they moved, but nothing fitmatch matches on), `published` (an increment was
 * applied), `full` (too much changed, or no exact base: a full run published),
 * `locked` (the nightly run or another writer holds a lock: yielded),
 * `superseded` (a newer set was published meanwhile: nothing to add), `error`
 * (an error the next pass may not meet again, e.g. a row deleted under the
 * backfill: nothing published, retried next pass).
 */
export type PassOutcome = 'quiet' | 'unchanged' | 'published' | 'full' | 'locked' | 'superseded' | 'error';

export interface PassReport {
  pass: number;
  outcome: PassOutcome;
  /** The published run after the pass. */
  runId: number | null;
  /** Embeddings the pass's backfill wrote or removed (null: no backfill in this pass). */
  backfilled: { talents: number; jobs: number } | null;
  /** What the increment found changed since the published run. */
  changed: { talentsAdded: number; talentsChanged: number; talentsRemoved: number; jobsAdded: number; jobsChanged: number; jobsRemoved: number } | null;
  rowsWritten: number | null;
  /** The oldest app write this pass published: updated_at to the server's clock after publishing. */
  lagMs: number | null;
  passMs: number;
  reason?: string;
}

const written = (c: BackfillSummary['entity']['talents']) => c.inserted + c.updated + c.removed;

/** The pass report of a pass that ran backfill and match. */
export function publishedPass(pass: number, b: BackfillSummary | null, m: MatchSummary, lagMs: number | null, passMs: number): PassReport {
  const backfilled = b && { talents: written(b.entity.talents), jobs: written(b.entity.jobs) };
  if (m.params.incremental !== true) return { pass, outcome: 'full', runId: m.runId, backfilled, changed: null, rowsWritten: null, lagMs, passMs };
  if ('unchanged' in m.counts) return { pass, outcome: 'unchanged', runId: m.runId, backfilled, changed: null, rowsWritten: 0, lagMs: null, passMs };
  const c = m.counts as IncrementalRunCounts;
  return {
    pass,
    outcome: 'published',
    runId: m.runId,
    backfilled,
    changed: { talentsAdded: c.talentsAdded, talentsChanged: c.talentsChanged, talentsRemoved: c.talentsRemoved, jobsAdded: c.jobsAdded, jobsChanged: c.jobsChanged, jobsRemoved: c.jobsRemoved },
    rowsWritten: c.rowsWritten,
    lagMs,
    passMs,
  };
}

export const idlePass = (pass: number, outcome: 'quiet' | 'locked' | 'superseded' | 'error', runId: number | null, passMs: number, reason?: string): PassReport => ({
  pass, outcome, runId, backfilled: null, changed: null, rowsWritten: null, lagMs: null, passMs, ...(reason ? { reason } : {}),
});

const sec = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The human line of a pass. */
export function formatPass(p: PassReport): string {
  const head = `watch pass ${p.pass}`;
  switch (p.outcome) {
    case 'quiet':
      return `${head}: no change in the app's tables (${p.passMs} ms)`;
    case 'locked':
      return `${head}: yielded (${p.reason}); the next pass catches up`;
    case 'error':
      return `${head}: error (${p.reason}); nothing of it was published, the next pass tries again`;
    case 'superseded':
      return `${head}: a newer set was published meanwhile (${p.reason}); the next pass carries on from it`;
    case 'unchanged':
      return `${head}: the app's tables moved, but nothing matched on changed; run ${p.runId} stays published (${sec(p.passMs)})`;
    case 'full':
      return `${head}: full run ${p.runId} published (${sec(p.passMs)})${p.lagMs === null ? '' : `, lag ${sec(p.lagMs)}`}`;
    case 'published': {
      const c = p.changed!;
      return (
        `${head}: run ${p.runId} published: talents +${c.talentsAdded} ~${c.talentsChanged} -${c.talentsRemoved}, postings +${c.jobsAdded} ~${c.jobsChanged} -${c.jobsRemoved}, ` +
        `${p.rowsWritten} rows written (${sec(p.passMs)})${p.lagMs === null ? '' : `, lag ${sec(p.lagMs)}`}`
      );
    }
  }
}
