export interface MatchSummary {
  runId: number;
  published: boolean;
  dims: number[];
  plan: { talentBlockRows: number; jobChunkRows: number; talentBlocks: number; jobChunks: number };
  params: Record<string, unknown>;
  counts: Record<string, number | number[]>;
  timings: Record<string, number>;
  /** The process's peak resident set so far (ru_maxrss). */
  peakRssMb: number;
}

/** Multiply-adds of the score GEMM (numerator; the mask GEMM is negligible), as GFLOP per second of compute. */
export function gflops(talents: number, jobs: number, dims: number[], computeMs: number): number {
  const d = dims.reduce((a, b) => a + b, 0);
  return computeMs > 0 ? (2 * talents * jobs * d) / (computeMs * 1e6) : 0;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const sum = (v: number | number[]) => (Array.isArray(v) ? v.reduce((a, b) => a + b, 0) : v);

export function formatMatchSummary(s: MatchSummary): string {
  const c = s.counts as Record<string, number>;
  const t = s.timings;
  const rows = c.rowsTalentToJob + c.rowsJobToTalent;
  const rate = t.writeMs > 0 ? Math.round(rows / (t.writeMs / 1000)) : 0;
  const skipped = sum(s.counts.skippedWrongDim) + sum(s.counts.skippedInvalid);
  return [
    `match run ${s.runId} ${s.published ? 'published' : 'computed (not published)'}:`,
    `  eligible: ${c.eligibleTalents} talents × ${c.eligibleJobs} job postings (dims ${s.dims.join('/')})`,
    `  rows: ${c.rowsTalentToJob} talent_to_job + ${c.rowsJobToTalent} job_to_talent; no match: ${c.talentsWithoutMatch} talents, ${c.jobsWithoutMatch} jobs`,
    `  skipped blobs: ${skipped} (wrong dimension ${sum(s.counts.skippedWrongDim)}, zero/NaN ${sum(s.counts.skippedInvalid)}, unreadable rows ${c.skippedCorruptRows ?? 0}); entities with no usable facet: ${c.talentsWithoutUsableFacet} talents, ${c.jobsWithoutUsableFacet} jobs`,
    `  time: read ${sec(t.readMs)}, compute ${sec(t.computeMs)} (${gflops(c.eligibleTalents, c.eligibleJobs, s.dims, t.computeMs).toFixed(0)} GFLOP/s), write ${sec(t.writeMs)} (${rate} rows/s), indexes ${sec(t.indexMs)}, publish ${sec(t.publishMs)}, total ${sec(t.totalMs)}; peak RSS ${s.peakRssMb} MB`,
  ].join('\n');
}
