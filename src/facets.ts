/** The six matching facets, in the order used everywhere (columns, bit masks, arrays). */
export const FACETS = ['roles', 'skills', 'growth', 'career', 'vision', 'culture'] as const;
export type Facet = (typeof FACETS)[number];
export const FACET_COUNT = FACETS.length;

/** Bit for facet index f in a presence mask. */
export const facetBit = (f: number): number => 1 << f;
