import { FACET_COUNT } from '../../src/facets.js';
import type { EngineFactory } from '../../src/match/enginePort.js';
import type { EmbeddingBlock, ResultBatch } from '../../src/match/types.js';

/** One side's raw vectors as seeded: null where a facet is missing. */
export type Entity = { id: number; vecs: (number[] | null)[] };
export interface RefRow {
  subject: number;
  candidate: number;
  rank: number;
  total: number;
  facets: (number | null)[];
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
function cos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d / (norm(a) * norm(b));
}

/** The app's formula in float64: weighted mean cosine over shared facets with weight > 0. */
export function scorePairRef(a: Entity, b: Entity, w: number[]): { total: number; facets: (number | null)[] } | null {
  let num = 0;
  let den = 0;
  const facets: (number | null)[] = [];
  for (let f = 0; f < FACET_COUNT; f++) {
    const x = a.vecs[f];
    const y = b.vecs[f];
    if (!x || !y) {
      facets.push(null);
      continue;
    }
    const c = cos(x, y);
    facets.push((c + 1) * 50);
    if (w[f] > 0) {
      num += w[f] * c;
      den += w[f];
    }
  }
  if (den === 0) return null;
  return { total: (Math.max(-1, Math.min(1, num / den)) + 1) * 50, facets };
}

/** Top-k per subject over all candidates, ties to the smaller candidate id. */
export function topKRef(subjects: Entity[], candidates: Entity[], w: number[], k: number, subjectIsTalent: boolean): RefRow[] {
  const out: RefRow[] = [];
  for (const s of subjects) {
    const scored = candidates
      .map((c) => ({ c, r: subjectIsTalent ? scorePairRef(s, c, w) : scorePairRef(c, s, w) }))
      .filter((x) => x.r !== null)
      .sort((x, y) => y.r!.total - x.r!.total || x.c.id - y.c.id)
      .slice(0, k);
    scored.forEach((x, i) => out.push({ subject: s.id, candidate: x.c.id, rank: i + 1, total: x.r!.total, facets: x.r!.facets }));
  }
  return out;
}

function blockEntities(blocks: EmbeddingBlock[]): Entity[] {
  const out: Entity[] = [];
  for (const b of blocks) {
    for (let r = 0; r < b.rows; r++) {
      const vecs = b.facets.map((arr, f) => {
        const d = arr.length / b.ids.length;
        return b.mask[r] & (1 << f) ? Array.from(arr.subarray(r * d, (r + 1) * d)) : null;
      });
      out.push({ id: b.ids[r], vecs });
    }
  }
  return out;
}

function toBatch(direction: ResultBatch['direction'], rows: RefRow[]): ResultBatch {
  return {
    direction,
    length: rows.length,
    subjectIds: Float64Array.from(rows.map((r) => r.subject)),
    candidateIds: Float64Array.from(rows.map((r) => r.candidate)),
    ranks: Int32Array.from(rows.map((r) => r.rank)),
    totals: Float64Array.from(rows.map((r) => r.total)),
    facetScores: Float64Array.from(rows.flatMap((r) => r.facets.map((x) => x ?? NaN))),
  };
}

/** A slow, obviously-correct stand-in for MatchEngine, for pipeline tests only. */
export const bruteForceEngine = (plan = { talentBlockRows: 3, jobChunkRows: 4 }): EngineFactory => ({
  plan: () => plan,
  create: async (s) => {
    const talents: Entity[] = [];
    let jobs: Entity[] = [];
    return {
      processTalentBlock: async (block, chunks) => {
        const t = blockEntities([block]);
        talents.push(...t);
        jobs = blockEntities(chunks);
        return toBatch('talent_to_job', topKRef(t, jobs, s.weights, s.topK, true));
      },
      finishJobToTalent: () => toBatch('job_to_talent', topKRef(jobs, talents, s.weights, s.topK, false)),
      close: async () => undefined,
    };
  },
});
