import { FACET_COUNT } from '../facets.js';
import type { SubjectLists } from './SubjectLists.js';
import { allocBatch, type ResultBatch } from './types.js';

const F = FACET_COUNT;

/**
 * Means closer than this are the same score stored twice in float32 (e.g. two
 * different vectors whose cosine with a third is exactly 0.8): a tie, broken by
 * the smaller id. Neighbours within it chain into one tie group.
 */
export const TIE_EPSILON = 1e-6;

/** score_100 of a weighted mean cosine, clamped like the app's formula. */
export const score100 = (mean: number): number => ((mean > 1 ? 1 : mean < -1 ? -1 : mean) + 1) * 50;

/** One facet's score_100 in hundredths, rounded half away from zero (-1 marks "not shared"). */
export function facetCents(cos: number): number {
  const s = ((cos > 1 ? 1 : cos < -1 ? -1 : cos) + 1) * 50;
  return Math.floor(s * 100 + 0.5 + 1e-9);
}

const SQL_TIME = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * The published rows of each subject: its list's tie groups (scores within
 * TIE_EPSILON of their neighbour, chained) ordered by id, then the first topK.
 * Which rows are published is decided here, at full precision; their order is
 * not stored (contract v2: readers order by total_score DESC, other id ASC).
 */
export function rowsFromLists(direction: ResultBatch['direction'], l: SubjectLists, topK: number): ResultBatch {
  const n = l.subjectIds.length;
  let total = 0;
  for (let s = 0; s < n; s++) total += Math.min(l.offsets[s + 1] - l.offsets[s], topK);
  const out = allocBatch(direction, total);
  let order = new Int32Array(64);
  let row = 0;
  for (let s = 0; s < n; s++) {
    const from = l.offsets[s];
    const count = l.offsets[s + 1] - from;
    const take = Math.min(count, topK);
    if (order.length < count) order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = from + i;
    sortTieGroups(order, count, take, l);
    const when = SQL_TIME(l.computedAt[s]);
    for (let r = 0; r < take; r++, row++) {
      const e = order[r];
      out.subjectIds[row] = l.subjectIds[s];
      out.candidateIds[row] = l.candidateIds[e];
      out.totals[row] = score100(l.means[e]);
      out.facetCents.set(l.cents.subarray(e * F, (e + 1) * F), row * F);
      out.runIds[row] = l.runIds[s];
      out.computedAt[row] = when;
    }
  }
  return out;
}

/** Orders each tie group reaching into the first `take` entries by id (groups are short; insertion sort). */
function sortTieGroups(order: Int32Array, n: number, take: number, l: SubjectLists): void {
  const { means, candidateIds: ids } = l;
  let start = 0;
  for (let i = 1; i <= n && start < take; i++) {
    if (i < n && means[order[i - 1]] - means[order[i]] <= TIE_EPSILON) continue;
    for (let g = start + 1; g < i; g++) {
      const e = order[g];
      let h = g;
      for (; h > start && ids[order[h - 1]] > ids[e]; h--) order[h] = order[h - 1];
      order[h] = e;
    }
    start = i;
  }
}

/** The rows at `rows` of a batch, copied. */
export function pickRows(b: ResultBatch, rows: ArrayLike<number>): ResultBatch {
  const n = rows.length;
  const out = allocBatch(b.direction, n);
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    out.subjectIds[k] = b.subjectIds[r];
    out.candidateIds[k] = b.candidateIds[r];
    out.totals[k] = b.totals[r];
    out.facetCents.set(b.facetCents.subarray(r * F, (r + 1) * F), k * F);
    out.runIds[k] = b.runIds[r];
    out.computedAt[k] = b.computedAt[r];
  }
  return out;
}
