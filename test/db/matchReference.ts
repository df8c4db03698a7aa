import { FACET_COUNT } from '../../src/facets.js';
import { CandidateTable } from '../../src/engine/CandidateTable.js';
import type { EngineFactory } from '../../src/engine/enginePort.js';
import { facetCents } from '../../src/engine/listRows.js';
import type { EmbeddingBlock } from '../../src/engine/types.js';

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

function blockEntities(b: EmbeddingBlock): Entity[] {
  const out: Entity[] = [];
  for (let r = 0; r < b.rows; r++) {
    const vecs = b.facets.map((arr, f) => {
      const d = arr.length / b.ids.length;
      return b.mask[r] & (1 << f) ? Array.from(arr.subarray(r * d, (r + 1) * d)) : null;
    });
    out.push({ id: b.ids[r], vecs });
  }
  return out;
}

/** Offers one pair to a subject's list: the reference's float64 mean and facet scores. */
function offer(table: CandidateTable, s: number, candidate: number, r: { total: number; facets: (number | null)[] }): void {
  const e = table.offer(s, r.total / 50 - 1, candidate);
  if (e >= 0) r.facets.forEach((x, f) => (table.cents[e * FACET_COUNT + f] = x === null ? -1 : facetCents(x / 50 - 1)));
}

/**
 * A slow, obviously-correct stand-in for MatchEngine, for pipeline tests only:
 * every pair scored by scorePairRef in float64, through the same list tables.
 */
export const bruteForceEngine = (): EngineFactory => ({
  create: async (s) => {
    let jobs: Entity[] = [];
    let jobLists = new CandidateTable(0, s.topK + s.reserve);
    return {
      setJobs: (block) => {
        jobs = blockEntities(block);
        jobLists = new CandidateTable(jobs.length, s.topK + s.reserve);
      },
      seedJobLists: (lists) => {
        for (let i = 0; i < lists.subjectIds.length; i++) jobLists.offerList(jobs.findIndex((j) => j.id === lists.subjectIds[i]), lists, i);
      },
      processBlock: async (block) => {
        const talents = blockEntities(block);
        const t2j = new CandidateTable(talents.length, s.topK + s.reserve);
        talents.forEach((t, ti) =>
          jobs.forEach((j, ji) => {
            const r = scorePairRef(t, j, s.weights);
            if (!r) return;
            offer(t2j, ti, j.id, r);
            offer(jobLists, ji, t.id, r);
          }),
        );
        const range = { lo: talents[0]?.id ?? 0, hi: talents.at(-1)?.id ?? -1 };
        return { t2j: t2j.toLists(talents.map((t) => t.id)), j2tDiff: jobLists.toLists(jobs.map((j) => j.id), range) };
      },
      close: async () => undefined,
    };
  },
});
