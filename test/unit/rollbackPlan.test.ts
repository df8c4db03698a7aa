import { describe, expect, it } from 'vitest';
import { isNewer } from '../../src/runs/publishOrder.js';
import { planRollback, type RunFacts, type SetInfo } from '../../src/runs/rollbackPlan.js';

const at = (min: number) => new Date(Date.UTC(2026, 5, 15, 3, min));
const set = (runId: number | null, min: number | null = null): SetInfo => ({ runId, publishedAt: min === null ? null : at(min) });

describe('publish order', () => {
  it('newer is a later snapshot; equal times go to the higher run id; an unknown time is older than any', () => {
    expect(isNewer({ id: 3, snapshotAt: at(5) }, { id: 4, snapshotAt: at(4) })).toBe(true);
    expect(isNewer({ id: 3, snapshotAt: at(4) }, { id: 4, snapshotAt: at(5) })).toBe(false);
    expect(isNewer({ id: 5, snapshotAt: at(4) }, { id: 4, snapshotAt: at(4) })).toBe(true);
    expect(isNewer({ id: 1, snapshotAt: at(0) }, { id: 9, snapshotAt: null })).toBe(true);
    expect(isNewer({ id: 9, snapshotAt: null }, { id: 1, snapshotAt: at(0) })).toBe(false);
  });
});

describe('the rollback rule', () => {
  // full 1 -> incremental 2 (on 1) -> full 3: what each rollback restores.
  const runs: Record<number, RunFacts> = {
    1: { kind: 'full', snapshotAt: at(1) },
    2: { kind: 'incremental', snapshotAt: at(2), undoTo: set(1, 11) },
    3: { kind: 'full', snapshotAt: at(3) },
  };
  const facts = async (id: number) => runs[id] ?? null;

  it('steps back one publication at a time, then refuses instead of moving forward', async () => {
    expect(await planRollback(set(3, 13), set(2, 12), facts)).toEqual({ steps: [{ how: 'swap', from: set(3, 13), to: set(2, 12) }] });
    expect(await planRollback(set(2, 12), set(3, 13), facts)).toEqual({ steps: [{ how: 'undo', from: set(2, 12), to: set(1, 11) }] });
    expect(await planRollback(set(1, 11), set(3, 13), facts)).toEqual({ refused: 'no set older than run 1 is kept (the kept run 3 is newer: `fitmatch publish --run-id 3` publishes it again)' });
  });

  it('--to repeats the steps until the run is live, or says which runs it can reach', async () => {
    expect(await planRollback(set(3, 13), set(2, 12), facts, 1)).toEqual({
      steps: [
        { how: 'swap', from: set(3, 13), to: set(2, 12) },
        { how: 'undo', from: set(2, 12), to: set(1, 11) },
      ],
    });
    expect(await planRollback(set(3, 13), set(2, 12), facts, 7)).toEqual({ refused: 'run 7 cannot be restored by rolling back from run 3 (rollback can restore run 2, run 1)' });
    expect(await planRollback(set(3, 13), null, facts, 3)).toEqual({ refused: 'run 3 is what is published now' });
  });

  it('refuses with nothing published, or an incremental run whose undo data is gone', async () => {
    expect(await planRollback(null, null, facts)).toEqual({ refused: 'nothing is published' });
    const pruned = async (id: number): Promise<RunFacts> => ({ kind: 'incremental', snapshotAt: at(id), undoTo: null });
    expect(await planRollback(set(5), null, pruned)).toEqual({ refused: 'incremental run 5 has no undo data left (it was pruned): nothing older can be restored' });
  });
});
