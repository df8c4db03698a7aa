import type { RowLengths } from '../store/matchingVectorLengths.js';
import { addRowLengths, emptyHistograms, type LengthHistogram } from '../vectors/inferDims.js';

/** What the recorded lengths say about the source as it is now. */
export interface LengthPlan {
  /** Rows whose lengths must be read: new, or updated_at moved since they were recorded. Ascending. */
  changed: number[];
  /** Recorded rows no longer in matching_vectors. */
  left: number[];
  /** Histograms of every row whose recorded lengths still hold; adding the changed rows' lengths gives the exact histograms. */
  base: LengthHistogram;
}

/**
 * Compares the source's (id, updated_at) pairs with the recorded lengths. `full`
 * trusts nothing recorded: every row is read again.
 */
export function planLengths(source: ReadonlyMap<number, number>, recorded: ReadonlyMap<number, RowLengths>, full: boolean): LengthPlan {
  const base = emptyHistograms();
  const changed: number[] = [];
  for (const [id, updatedAt] of source) {
    const r = recorded.get(id);
    if (!full && r && r.updatedAt === updatedAt) addRowLengths(base, r.lengths);
    else changed.push(id);
  }
  const left = [...recorded.keys()].filter((id) => !source.has(id));
  changed.sort((a, b) => a - b);
  return { changed, left, base };
}
