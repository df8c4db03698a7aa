import { describe, expect, it } from 'vitest';
import { MatchEngine } from '../../../src/engine/MatchEngine.js';
import { scorePair } from '../../../src/engine/scorePair.js';
import type { EmbeddingBlock } from '../../../src/engine/types.js';
import { engineResults } from '../../helpers/engineResults.js';
import { referenceTopK } from '../../helpers/referenceTopK.js';
import { rng, split } from './randomBlocks.js';

/**
 * Issue 22: near-ties must never chain. A list is the top k in strict list
 * order (exact score desc, then the smaller id, ties only when bit-equal), so a
 * ladder of postings 0.9e-6 apart, with the higher scores on the larger ids,
 * lists exactly the k highest; near-duplicate postings (noise 1e-7 to 1e-4)
 * likewise. Checked for every kernel against brute force, and against the
 * property itself: nothing left out scores above anything listed.
 */
const dims = [16, 8, 0, 8, 0, 8];
const weights = [1, 1, 1, 1, 1, 1];

function normalise(v: Float32Array): void {
  let n = 0;
  for (const x of v) n += x * x;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
}

function block(ids: number[], fill: (r: number, f: number, v: Float32Array) => void): EmbeddingBlock {
  const rows = ids.length;
  const b: EmbeddingBlock = { rows, ids: Float64Array.from(ids), mask: new Uint8Array(rows), facets: dims.map((d) => new Float32Array(rows * d)) };
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < dims.length; f++) {
      if (!dims[f]) continue;
      const v = b.facets[f].subarray(r * dims[f], (r + 1) * dims[f]);
      fill(r, f, v);
      normalise(v);
      b.mask[r] |= 1 << f;
    }
  }
  return b;
}

const gauss = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** Talents near one direction; postings 0.9e-6 apart in cosine, higher scores on larger ids. */
function ladder(talentCount: number, rungs: number) {
  const talents = block(
    Array.from({ length: talentCount }, (_, i) => 1 + i),
    (r, f, v) => {
      v[0] = 1;
      v[1 + (r % (v.length - 1))] = 1e-3 * r; // a hair apart, so the talents do not tie among themselves
    },
  );
  const jobs = block(
    Array.from({ length: rungs }, (_, i) => 101 + i),
    (r, f, v) => {
      const c = 0.6 + 0.9e-6 * r;
      v[0] = c;
      v[v.length - 1] = Math.sqrt(1 - c * c);
    },
  );
  return { talents, jobs };
}

/** Postings that copy a few originals with noise from 1e-7 to 1e-4; talents drawn near the same originals. */
function nearDuplicates(seed: number) {
  const rand = rng(seed);
  const originals = Array.from({ length: 4 }, () => dims.map((d) => Float32Array.from({ length: d }, () => gauss(rand))));
  const noise = [1e-7, 1e-6, 1e-5, 1e-4];
  const jobs = block(
    Array.from({ length: 160 }, (_, i) => 1000 + 3 * i),
    (r, f, v) => {
      const o = originals[r % 4][f];
      const eps = noise[Math.floor(r / 4) % 4];
      for (let i = 0; i < v.length; i++) v[i] = o[i] + eps * gauss(rand);
    },
  );
  const talents = block(
    Array.from({ length: 40 }, (_, i) => 1 + 2 * i),
    (r, f, v) => {
      const o = originals[r % 4][f];
      for (let i = 0; i < v.length; i++) v[i] = o[i] + 0.3 * gauss(rand);
    },
  );
  return { talents, jobs };
}

async function engineRun(kernel: 'fp32' | 'int8', talents: EmbeddingBlock[], jobs: EmbeddingBlock, topK: number, reserve: number) {
  const engine = await MatchEngine.create({ topK, reserve, weights, dims, threads: 1, talentBlockRows: 7, jobChunkRows: 50, kernel, int8Budget: Infinity });
  try {
    return await engineResults(engine, talents, jobs, topK, reserve);
  } finally {
    await engine.close();
  }
}

/** Per subject, listed candidates and the best score left out: nothing left out may come before anything listed. */
function problems(
  published: { subjectIds: Float64Array; candidateIds: Float64Array; length: number },
  subjects: EmbeddingBlock,
  candidates: EmbeddingBlock,
  subjectIsTalent: boolean,
  topK: number,
): string[] {
  const out: string[] = [];
  const listed = new Map<number, Set<number>>();
  for (let i = 0; i < published.length; i++) {
    const s = published.subjectIds[i];
    if (!listed.has(s)) listed.set(s, new Set());
    listed.get(s)!.add(published.candidateIds[i]);
  }
  for (let s = 0; s < subjects.rows; s++) {
    const mine = listed.get(subjects.ids[s]) ?? new Set<number>();
    const scored: { id: number; mean: number }[] = [];
    for (let c = 0; c < candidates.rows; c++) {
      const [t, j] = subjectIsTalent ? [{ ...subjects, row: s }, { ...candidates, row: c }] : [{ ...candidates, row: c }, { ...subjects, row: s }];
      const p = scorePair({ facets: t.facets, mask: t.mask[t.row], row: t.row }, { facets: j.facets, mask: j.mask[j.row], row: j.row }, weights, dims);
      if (p) scored.push({ id: candidates.ids[c], mean: p.mean });
    }
    if (mine.size !== Math.min(topK, scored.length)) out.push(`subject ${subjects.ids[s]}: ${mine.size} listed`);
    const lowestIn = scored.filter((x) => mine.has(x.id)).sort((a, b) => a.mean - b.mean || b.id - a.id)[0];
    for (const x of scored) {
      if (mine.has(x.id) || !lowestIn) continue;
      if (x.mean > lowestIn.mean || (x.mean === lowestIn.mean && x.id < lowestIn.id)) {
        out.push(`subject ${subjects.ids[s]}: ${x.id} (${x.mean}) left out while ${lowestIn.id} (${lowestIn.mean}) is listed`);
      }
    }
  }
  return out;
}

describe('near-ties never chain (issue 22)', () => {
  it('a ladder 0.9e-6 apart lists exactly the k highest, whatever the ids', async () => {
    const { talents, jobs } = ladder(5, 64);
    const topK = 10;
    const got = await engineRun('fp32', [talents], jobs, topK, 4);
    for (let t = 0; t < talents.rows; t++) {
      const listed = Array.from(got.t2j.candidateIds.subarray(t * topK, (t + 1) * topK)).sort((a, b) => a - b);
      // The 10 highest rungs are the 10 largest ids: 155..164.
      expect(listed).toEqual(Array.from({ length: topK }, (_, i) => 155 + i));
    }
    expect(problems(got.t2j, talents, jobs, true, topK)).toEqual([]);
    expect(problems(got.j2t, jobs, talents, false, topK)).toEqual([]);
  });

  for (const kernel of ['fp32', 'int8'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`near-duplicate postings (noise 1e-7 to 1e-4), ${kernel}, seed ${seed}: brute force and the list property agree`, async () => {
        const { talents, jobs } = nearDuplicates(seed);
        const topK = 7;
        const blocks = split(talents, [13, 11, 16], dims);
        const got = await engineRun(kernel, blocks, jobs, topK, 5);
        const ref = referenceTopK(blocks, [jobs], weights, dims, topK);
        expect(Array.from(got.t2j.candidateIds)).toEqual(Array.from(ref.t2j.candidateIds));
        expect(Array.from(got.j2t.candidateIds)).toEqual(Array.from(ref.j2t.candidateIds));
        expect(Array.from(got.t2j.totals)).toEqual(Array.from(ref.t2j.totals));
        expect(problems(got.t2j, talents, jobs, true, topK)).toEqual([]);
        expect(problems(got.j2t, jobs, talents, false, topK)).toEqual([]);
      });
    }
  }
});
