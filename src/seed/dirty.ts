import { FACET_DIRTY_KINDS } from './payloads.js';

/** Dirty cases that concern a whole matching_vectors row or entity rather than one facet payload. */
export const ROW_DIRTY_KINDS = ['missing_facet', 'all_facets_missing', 'duplicate_talent_row', 'company_vector_without_posting', 'posting_of_other_company'] as const;
export const DIRTY_KINDS = [...FACET_DIRTY_KINDS, ...ROW_DIRTY_KINDS] as const;
export type DirtyKind = (typeof DIRTY_KINDS)[number];

export const TALENT_DIRTY_KINDS: DirtyKind[] = [...FACET_DIRTY_KINDS, 'missing_facet', 'all_facets_missing', 'duplicate_talent_row'];
export const JOB_DIRTY_KINDS: DirtyKind[] = [...FACET_DIRTY_KINDS, 'missing_facet', 'all_facets_missing', 'posting_of_other_company'];

/**
 * Spreads a share of dirty entities evenly over a stream (every 1/share-th candidate),
 * cycling through the kinds, so every kind appears once share × candidates ≥ kinds,
 * independent of randomness, and chunked generation gives the same answer.
 */
export class DirtySpreader<K extends string> {
  private seen = 0;
  private hits = 0;

  constructor(
    private readonly share: number,
    private readonly kinds: readonly K[],
  ) {}

  /** Call once per candidate entity, in generation order. */
  next(): K | null {
    const k = this.seen++;
    if (this.share <= 0 || this.kinds.length === 0) return null;
    if (Math.floor((k + 1) * this.share) <= Math.floor(k * this.share)) return null;
    return this.kinds[this.hits++ % this.kinds.length];
  }
}
