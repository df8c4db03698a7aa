import { FACET_COUNT } from '../facets.js';

/** Per facet: list length -> number of rows with that length. */
export type LengthHistogram = Map<number, number>[];

export const emptyHistograms = (): LengthHistogram => Array.from({ length: FACET_COUNT }, () => new Map<number, number>());

/** Counts (or with `by` -1, uncounts) one payload's list length; no list and empty lists are not counted. */
export function addLength(h: LengthHistogram, facet: number, length: number | null, by = 1): void {
  if (length === null || length <= 0) return;
  const n = (h[facet].get(length) ?? 0) + by;
  if (n === 0) h[facet].delete(length);
  else h[facet].set(length, n);
}

/** A row's six lengths into (by -1: out of) the histograms. */
export function addRowLengths(h: LengthHistogram, lengths: readonly (number | null)[], by = 1): void {
  for (let f = 0; f < FACET_COUNT; f++) addLength(h, f, lengths[f] ?? null, by);
}

export const cloneHistograms = (h: LengthHistogram): LengthHistogram => h.map((m) => new Map(m));

/**
 * The dimension of each facet: the most common list length across all rows.
 * Ties go to the larger length (a truncated export is likelier than a padded one),
 * so the choice never depends on row order. null when no row has a list.
 * `override` (--dim) applies to every facet.
 */
export function inferDims(h: LengthHistogram, override?: number): (number | null)[] {
  return h.map((counts) => {
    if (override !== undefined) return override;
    let best: number | null = null;
    let bestCount = 0;
    for (const [len, count] of counts) {
      if (count > bestCount || (count === bestCount && best !== null && len > best)) {
        best = len;
        bestCount = count;
      }
    }
    return best;
  });
}
