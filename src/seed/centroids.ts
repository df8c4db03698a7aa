import { FACET_COUNT } from '../facets.js';
import { CLUSTERS, CULTURES } from './clusters.js';
import { rngFor, type Rng } from './rng.js';

/** Share of a role centroid that comes from its family (개발, 데이터, ...): related roles score between strangers and peers. */
const FAMILY_SHARE = 0.55;
/** vision and culture (facets 4, 5) cluster by company culture rather than by role. */
export const CULTURE_FACET_FROM = 4;

/** Centroid groups: one per role cluster, then one per culture. centroids[group][facet] is a unit vector. */
export type Centroids = Float32Array[][];

export function makeCentroids(seed: number, dim: number): Centroids {
  const groups: Float32Array[][] = [];
  for (const c of CLUSTERS) {
    groups.push(
      Array.from({ length: FACET_COUNT }, (_, f) => {
        const fam = randomUnit(rngFor(seed, `family:${c.family}`, f), dim);
        const own = randomUnit(rngFor(seed, `centroid:${c.key}`, f), dim);
        const own2 = Math.sqrt(1 - FAMILY_SHARE * FAMILY_SHARE);
        for (let i = 0; i < dim; i++) own[i] = FAMILY_SHARE * fam[i] + own2 * own[i];
        return normalise(own);
      }),
    );
  }
  for (const c of CULTURES) {
    groups.push(Array.from({ length: FACET_COUNT }, (_, f) => randomUnit(rngFor(seed, `culture:${c.key}`, f), dim)));
  }
  return groups;
}

/** The centroid group a facet of an entity with this role cluster and culture is drawn around. */
export const facetGroup = (facet: number, cluster: number, culture: number): number =>
  facet < CULTURE_FACET_FROM ? cluster : CLUSTERS.length + culture;

/**
 * centroid + noise of total length ~`spread`, normalised. Uniform noise (one draw
 * per component) instead of Gaussian: in high dimensions cosines behave the same
 * and it is several times cheaper, which matters at 10^9 components.
 */
export function sampleAround(rng: Rng, centroid: Float32Array, spread: number, out: Float32Array): Float32Array {
  const a = spread * Math.sqrt(3 / centroid.length) * 2;
  for (let i = 0; i < centroid.length; i++) out[i] = centroid[i] + a * (rng.next() - 0.5);
  return normalise(out);
}

export function randomUnit(rng: Rng, dim: number, out = new Float32Array(dim)): Float32Array {
  for (let i = 0; i < dim; i++) out[i] = rng.next() - 0.5;
  return normalise(out);
}

export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}
