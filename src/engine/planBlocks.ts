import { FACET_COUNT } from '../facets.js';
import { CandidateTable } from './CandidateTable.js';

export interface BlockPlanInput {
  memoryBytes: number;
  dims: readonly number[];
  talentCount: number;
  jobCount: number;
  topK: number;
  /** Candidates kept per subject beyond topK (the tie slack and incremental reserve). */
  reserve: number;
}

export interface BlockPlan {
  talentBlockRows: number;
  jobChunkRows: number;
  /** Estimated peak bytes of process + engine, including the caller's resident jobs. */
  estimatedPeakBytes: number;
  breakdown: Record<string, number>;
}

/** Node + ORT runtime + model, measured RSS before the first run (rounded up). */
export const BASE_OVERHEAD_BYTES = 160 * 2 ** 20;
/** Jobs per chunk beyond which Gemm speed no longer improves but TopK(axis=0) scratch grows. */
const MAX_CHUNK_ROWS = 8192;

/**
 * Float32 matrices of bq x bc live at once during a run: one cosine matrix per
 * facet (kept for the facet-score gathers), plus num, den, mean, score, the bool
 * mask and TopK scratch; calibrated on RSS (6 facets, 4665 x 5000 cells: ~57 B/cell,
 * arena fragmentation included), hence facets + 8, plus the transposed score for job_to_talent.
 */
export function scratchBytesPerCell(dims: readonly number[]): number {
  const facets = dims.filter((d) => d > 0).length;
  return 4 * (facets + 9);
}

/** Bytes per entity row as held in an EmbeddingBlock (facets + id + mask). */
export function rowBytes(dims: readonly number[]): number {
  return 4 * dims.reduce((a, b) => a + b, 0) + 8 + 1;
}

/**
 * Picks the talent block rows (what the caller reads per block) and job chunk rows
 * so that jobs (resident) + one talent block + result tables + run scratch fit the
 * budget: overhead + J*row + bq*(row + out) + tables + bq*bc*cell <= memoryBytes.
 */
export function planBlocks(input: BlockPlanInput): BlockPlan {
  const { memoryBytes, dims, talentCount, jobCount, topK } = input;
  const cap = topK + input.reserve;
  const row = rowBytes(dims);
  const cell = scratchBytesPerCell(dims);
  // int8 candidates (--kernel auto may pick them): two 8-bit digits per value (quantiseRows.ts), the
  // talents' hi digits once more on their own.
  const values = dims.reduce((a, b) => a + b, 0);
  // Per talent row: the block (twice: the caller reads the next while the last is still referenced, and
  // once more where the exact re-score reads it), its t2j table, its ResultBatch, pq.
  const perTalent = 3 * row + 3 * values + CandidateTable.bytesFor(1, cap) + topK * (8 * 3 + 4 + 8 * FACET_COUNT) + 4 * FACET_COUNT;
  const fixed =
    BASE_OVERHEAD_BYTES +
    jobCount * (row + 2 * values + 4 * FACET_COUNT) +
    CandidateTable.bytesFor(jobCount, cap) +
    jobCount * topK * (8 * 3 + 4 + 8 * FACET_COUNT);
  const avail = memoryBytes - fixed;
  if (avail <= 0) throw new Error(`memory budget ${memoryBytes} B too small: jobs and fixed overhead need ${fixed} B`);

  const side = Math.floor(Math.sqrt(avail / cell));
  let bc = Math.max(1, Math.min(jobCount, MAX_CHUNK_ROWS, side));
  let bq = Math.floor(avail / (cell * bc + perTalent));
  bq = Math.max(1, Math.min(talentCount, bq));
  if (bq === talentCount) bc = Math.max(1, Math.min(jobCount, MAX_CHUNK_ROWS, Math.floor((avail - bq * perTalent) / (cell * bq))));
  if (bq * (cell * bc + perTalent) > avail && bq > 1) throw new Error(`memory budget ${memoryBytes} B too small for any block`);

  const breakdown = {
    overhead: BASE_OVERHEAD_BYTES,
    jobs: fixed - BASE_OVERHEAD_BYTES,
    talentBlock: bq * perTalent,
    runScratch: bq * bc * cell,
  };
  const estimatedPeakBytes = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { talentBlockRows: bq, jobChunkRows: bc, estimatedPeakBytes, breakdown };
}
