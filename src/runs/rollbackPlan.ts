import { isNewer } from './publishOrder.js';

/** A published set as match_published describes it. */
export interface SetInfo {
  /** null: a set published before fitmatch recorded publications. */
  runId: number | null;
  publishedAt: Date | null;
}

/** What rollback needs to know about the run of a set. */
export interface RunFacts {
  kind: 'full' | 'incremental';
  snapshotAt: Date | null;
  /** Incremental runs: the set they changed, as their undo data restores it (null: the undo data is gone). */
  undoTo?: SetInfo | null;
}

export interface RollbackStep {
  /** undo: an incremental run's changes are taken back; swap: the kept previous set is swapped in. */
  how: 'undo' | 'swap';
  from: SetInfo;
  to: SetInfo;
}

/** The rule in the words README, docs/match.md, docs/operations.md and `rollback --help` all use (test/docs checks them). */
export const ROLLBACK_RULE =
  '`fitmatch rollback` restores the set published before the current one, exactly, published_at included: ' +
  "after an incremental run it undoes that run's changes; after a full run it swaps the kept previous set back in. " +
  'Each rollback steps one publication further back while older sets are kept; it never moves forward. ' +
  "`rollback --to RUN` steps back until RUN's set is published; `rollback --dry-run` shows what would be restored. " +
  'A newer kept set is published again with `fitmatch publish --run-id N` (forward only, unless `--force`).';

const label = (s: SetInfo) => (s.runId === null ? 'a set published before fitmatch recorded publications' : `run ${s.runId}`);

/**
 * The rollback rule, in one place (README, docs/match.md, docs/operations.md and
 * `rollback --help` say the same): each rollback restores the set that was
 * published before the current one, exactly, published_at included. The current
 * set is an incremental run: its changes are undone. A full run: the previous
 * set (kept by its publish) is swapped in, if it is older. Rollback never moves
 * forward: with nothing older kept it refuses, and a newer kept set comes back
 * with `publish --run-id N`. `target` rolls back step by step until that run's set is live.
 */
export async function planRollback(
  live: SetInfo | null,
  previous: SetInfo | null,
  facts: (runId: number) => Promise<RunFacts | null>,
  target?: number,
): Promise<{ steps: RollbackStep[] } | { refused: string }> {
  if (!live) return { refused: 'nothing is published' };
  if (target !== undefined && live.runId === target) return { refused: `run ${target} is what is published now` };
  const steps: RollbackStep[] = [];
  let [cur, prev] = [live, previous];
  for (let i = 0; i < 1000; i++) {
    const f = cur.runId === null ? null : await facts(cur.runId);
    let step: RollbackStep | null = null;
    if (f?.kind === 'incremental') {
      if (!f.undoTo) return { refused: `incremental ${label(cur)} has no undo data left (it was pruned): nothing older can be restored` };
      step = { how: 'undo', from: cur, to: f.undoTo };
      cur = f.undoTo;
    } else if (prev && (await olderSet(prev, cur, facts))) {
      step = { how: 'swap', from: cur, to: prev };
      [cur, prev] = [prev, cur];
    }
    if (!step) break;
    steps.push(step);
    if (target === undefined || cur.runId === target) return { steps };
  }
  const reachable = steps.map((s) => label(s.to)).join(', ');
  if (target !== undefined) return { refused: `run ${target} cannot be restored by rolling back from ${label(live)}${reachable ? ` (rollback can restore ${reachable})` : ''}` };
  return { refused: `no set older than ${label(live)} is kept${prev ? ` (the kept ${label(prev)} is newer: \`fitmatch publish --run-id ${prev.runId}\` publishes it again)` : ''}` };
}

/** Whether the kept set `a` holds older data than `b` (an unrecorded set counts as older). */
async function olderSet(a: SetInfo, b: SetInfo, facts: (runId: number) => Promise<RunFacts | null>): Promise<boolean> {
  if (a.runId === null || b.runId === null) return a.runId === null;
  const [fa, fb] = [await facts(a.runId), await facts(b.runId)];
  return isNewer({ id: b.runId, snapshotAt: fb?.snapshotAt ?? null }, { id: a.runId, snapshotAt: fa?.snapshotAt ?? null });
}
