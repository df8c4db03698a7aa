import { FACET_COUNT } from '../../src/facets.js';
import { facetCents } from '../../src/engine/listRows.js';
import { scorePair } from '../../src/engine/scorePair.js';
import type { EmbeddingBlock, ResultBatch } from '../../src/engine/types.js';

/** Published rows plus the reference's unrounded facet scores (NaN = not shared), for tolerance checks. */
export type RefBatch = ResultBatch & { facetScores: Float64Array };

interface Row {
  subject: number;
  candidate: number;
  mean: number;
  facetScores: number[];
}

function blockRows(blocks: readonly EmbeddingBlock[]) {
  const rows: { id: number; mask: number; facets: Float32Array[]; row: number }[] = [];
  for (const b of blocks) for (let r = 0; r < b.rows; r++) rows.push({ id: b.ids[r], mask: b.mask[r], facets: b.facets, row: r });
  return rows;
}

/**
 * Brute-force float64 top-k in both directions, for tests: every pair scored by
 * scorePair (the exact score), sorted by (mean desc, id asc): ties only where the
 * exact scores are bit-equal, never within a tolerance.
 */
export function referenceTopK(
  talents: readonly EmbeddingBlock[],
  jobs: readonly EmbeddingBlock[],
  weights: readonly number[],
  dims: readonly number[],
  topK: number,
): { t2j: RefBatch; j2t: RefBatch } {
  const ts = blockRows(talents);
  const js = blockRows(jobs);
  const byTalent = new Map<number, Row[]>(ts.map((t) => [t.id, []]));
  const byJob = new Map<number, Row[]>(js.map((j) => [j.id, []]));
  for (const t of ts) {
    for (const j of js) {
      const s = scorePair(t, j, weights, dims);
      if (!s) continue;
      byTalent.get(t.id)!.push({ subject: t.id, candidate: j.id, mean: s.mean, facetScores: s.facetScores });
      byJob.get(j.id)!.push({ subject: j.id, candidate: t.id, mean: s.mean, facetScores: s.facetScores });
    }
  }
  return { t2j: toBatch('talent_to_job', byTalent, topK), j2t: toBatch('job_to_talent', byJob, topK) };
}

export function inListOrder<T extends { mean: number; candidate: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => b.mean - a.mean || a.candidate - b.candidate);
}

function toBatch(direction: ResultBatch['direction'], groups: Map<number, Row[]>, topK: number): RefBatch {
  const rows: Row[] = [];
  for (const [, list] of [...groups].sort((a, b) => a[0] - b[0])) rows.push(...inListOrder(list).slice(0, topK));
  const F = FACET_COUNT;
  const out: RefBatch = {
    direction,
    length: rows.length,
    subjectIds: Float64Array.from(rows, (r) => r.subject),
    candidateIds: Float64Array.from(rows, (r) => r.candidate),
    totals: Float64Array.from(rows, (r) => (r.mean + 1) * 50),
    facetCents: new Int16Array(rows.length * F),
    facetScores: new Float64Array(rows.length * F),
    runIds: new Float64Array(rows.length),
    computedAt: rows.map(() => ''),
  };
  rows.forEach((r, i) => {
    out.facetScores.set(r.facetScores, i * F);
    r.facetScores.forEach((x, f) => (out.facetCents[i * F + f] = Number.isNaN(x) ? -1 : facetCents(x / 50 - 1)));
  });
  return out;
}
