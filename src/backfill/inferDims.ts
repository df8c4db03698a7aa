import { FACET_COUNT } from '../facets.js';

/** Per facet: list length -> number of rows with that length. */
export type LengthHistogram = Map<number, number>[];

export const emptyHistograms = (): LengthHistogram => Array.from({ length: FACET_COUNT }, () => new Map<number, number>());

export function addLength(h: LengthHistogram, facet: number, length: number | null): void {
  if (length === null || length <= 0) return;
  h[facet].set(length, (h[facet].get(length) ?? 0) + 1);
}

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
