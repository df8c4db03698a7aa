import { FACET_COUNT } from '../facets.js';
import type { SubjectLists } from './SubjectLists.js';
import { allocBatch, type ResultBatch } from './types.js';

const F = FACET_COUNT;

/**
 * List order, defined once: a before b when a's exact score is higher, or the
 * two are bit-equal and a's id is smaller. No tolerance: near-ties (scores
 * 1e-7 apart) are ordered by score, never chained into a group ordered by id.
 */
export const listBefore = (am: number, aid: number, bm: number, bid: number): boolean => am > bm || (am === bm && aid < bid);

/** score_100 of a weighted mean cosine, clamped like the app's formula. */
export const score100 = (mean: number): number => ((mean > 1 ? 1 : mean < -1 ? -1 : mean) + 1) * 50;

/** One facet's score_100 in hundredths, rounded half away from zero (-1 marks "not shared"). */
export function facetCents(cos: number): number {
  const s = ((cos > 1 ? 1 : cos < -1 ? -1 : cos) + 1) * 50;
  return Math.floor(s * 100 + 0.5 + 1e-9);
}

const SQL_TIME = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/**
 * The published rows of each subject: the first topK entries of its list. A
 * list is in strict list order (exact score desc, then the smaller id; equal
 * only when the exact scores are bit-equal, see listBefore), so membership is
 * decided here at full precision. The order is not stored (contract v2:
 * readers order by total_score DESC, other id ASC).
 */
export function rowsFromLists(direction: ResultBatch['direction'], l: SubjectLists, topK: number): ResultBatch {
  const n = l.subjectIds.length;
  let total = 0;
  for (let s = 0; s < n; s++) total += Math.min(l.offsets[s + 1] - l.offsets[s], topK);
  const out = allocBatch(direction, total);
  let row = 0;
  for (let s = 0; s < n; s++) {
    const from = l.offsets[s];
    const take = Math.min(l.offsets[s + 1] - from, topK);
    const when = SQL_TIME(l.computedAt[s]);
    for (let r = 0; r < take; r++, row++) {
      const e = from + r;
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
