import { FACET_COUNT } from '../facets.js';

/**
 * A block of entities (talents or job postings) ready for the kernel.
 * Rows are sorted by id ascending; ties in score are broken by the smaller id,
 * which is the smaller row index within a block.
 */
export interface EmbeddingBlock {
  /** Entity ids (users.id for talents, job_postings.id for jobs), ascending. */
  ids: Float64Array;
  /** Per row: bit f set when facet f is present (see facetBit). */
  mask: Uint8Array;
  /** One array per facet, row-major rows x dims[f], unit-normalised, zero rows where missing. */
  facets: Float32Array[];
  rows: number;
}

/**
 * Published rows for one direction and a set of subjects, columnar.
 * Row i: subject subjectIds[i], candidate candidateIds[i] (a subject's rows in list order),
 * total score_100 totals[i] (not yet rounded), facet f score_100 in hundredths
 * at facetCents[i*6+f], -1 where the facet is not shared.
 */
export interface ResultBatch {
  direction: 'talent_to_job' | 'job_to_talent';
  length: number;
  subjectIds: Float64Array;
  candidateIds: Float64Array;
  totals: Float64Array;
  facetCents: Int16Array;
  /** Per row: the run that computed the row and when (UTC, 'YYYY-MM-DD HH:MM:SS'). */
  runIds: Float64Array;
  computedAt: string[];
}

/** An empty batch of n rows, to be filled in. */
export function allocBatch(direction: ResultBatch['direction'], n: number): ResultBatch {
  return {
    direction,
    length: n,
    subjectIds: new Float64Array(n),
    candidateIds: new Float64Array(n),
    totals: new Float64Array(n),
    facetCents: new Int16Array(n * FACET_COUNT),
    runIds: new Float64Array(n),
    computedAt: new Array<string>(n),
  };
}
