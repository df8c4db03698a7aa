import { FACET_COUNT } from '../facets.js';
import type { ResultBatch } from './types.js';

const F = FACET_COUNT;

/**
 * Per-subject best candidates, kept sorted by (score desc, id asc) with a fixed
 * capacity. Capacity is topK plus some slack so that the final tie-aware ordering
 * (scores within tieEpsilon count as equal) can still pull a smaller id forward.
 */
export class CandidateTable {
  readonly counts: Int32Array;
  private readonly scores: Float64Array;
  private readonly ids: Float64Array;
  private readonly masks: Uint8Array;
  /** Per entry, F cosines (left 0 for facets the caller never writes). */
  readonly cos: Float32Array;

  constructor(readonly subjects: number, readonly capacity: number) {
    this.counts = new Int32Array(subjects);
    this.scores = new Float64Array(subjects * capacity);
    this.ids = new Float64Array(subjects * capacity);
    this.masks = new Uint8Array(subjects * capacity);
    this.cos = new Float32Array(subjects * capacity * F);
  }

  /** Bytes held by one table of this shape (for memory planning). */
  static bytesFor(subjects: number, capacity: number): number {
    return subjects * (4 + capacity * (8 + 8 + 1 + 4 * F));
  }

  /** Empties every subject; stale entries are overwritten before they are read again. */
  clear(): void {
    this.counts.fill(0);
  }

  /**
   * Offers a candidate; returns its entry (write its cosines at cos[entry * F + f])
   * or -1 when rejected, without touching anything (the common case once full).
   */
  offer(s: number, score: number, id: number, mask: number): number {
    const cap = this.capacity;
    const base = s * cap;
    let n = this.counts[s];
    if (n === cap) {
      const ls = this.scores[base + n - 1];
      if (score < ls || (score === ls && id > this.ids[base + n - 1])) return -1;
      n--;
    } else {
      this.counts[s] = n + 1;
    }
    let p = n;
    while (p > 0) {
      const ps = this.scores[base + p - 1];
      if (ps > score || (ps === score && this.ids[base + p - 1] < id)) break;
      p--;
    }
    if (p < n) {
      this.scores.copyWithin(base + p + 1, base + p, base + n);
      this.ids.copyWithin(base + p + 1, base + p, base + n);
      this.masks.copyWithin(base + p + 1, base + p, base + n);
      this.cos.copyWithin((base + p + 1) * F, (base + p) * F, (base + n) * F);
    }
    this.scores[base + p] = score;
    this.ids[base + p] = id;
    this.masks[base + p] = mask;
    return base + p;
  }

  /**
   * Final rows: per subject, scores within tieEpsilon of their neighbour form one
   * tie group (chained), ordered by id asc; then the first topK are ranked 1..topK.
   */
  toResultBatch(direction: ResultBatch['direction'], subjectIds: ArrayLike<number>, topK: number, tieEpsilon: number): ResultBatch {
    let total = 0;
    for (let s = 0; s < this.subjects; s++) total += Math.min(this.counts[s], topK);
    const out: ResultBatch = {
      direction,
      length: total,
      subjectIds: new Float64Array(total),
      candidateIds: new Float64Array(total),
      ranks: new Int32Array(total),
      totals: new Float64Array(total),
      facetScores: new Float64Array(total * F),
    };
    const { scores, ids, masks, cos } = this;
    const { subjectIds: outSubjects, candidateIds, ranks, totals, facetScores } = out;
    const order = new Int32Array(this.capacity);
    let row = 0;
    for (let s = 0; s < this.subjects; s++) {
      const base = s * this.capacity;
      const n = this.counts[s];
      const take = n < topK ? n : topK;
      for (let i = 0; i < n; i++) order[i] = base + i;
      if (this.tiesReach(base, n, take, tieEpsilon)) this.sortTieGroups(order, n, tieEpsilon);
      const subject = subjectIds[s];
      for (let r = 0; r < take; r++, row++) {
        const e = order[r];
        outSubjects[row] = subject;
        candidateIds[row] = ids[e];
        ranks[row] = r + 1;
        totals[row] = (scores[e] + 1) * 50;
        const m = masks[e];
        for (let f = 0; f < F; f++) {
          const c = cos[e * F + f];
          facetScores[row * F + f] = m & (1 << f) ? ((c > 1 ? 1 : c < -1 ? -1 : c) + 1) * 50 : NaN;
        }
      }
    }
    return out;
  }

  /** Whether some tie group starting among the first `take` entries has more than one member. */
  private tiesReach(base: number, n: number, take: number, eps: number): boolean {
    const last = take < n ? take : n - 1;
    for (let i = 1; i <= last; i++) if (this.scores[base + i - 1] - this.scores[base + i] <= eps) return true;
    return false;
  }

  private sortTieGroups(order: Int32Array, n: number, eps: number): void {
    const { scores, ids } = this;
    let start = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && scores[order[i - 1]] - scores[order[i]] <= eps) continue;
      // Insertion sort by id: groups are short, and a subject's candidate ids are distinct.
      for (let g = start + 1; g < i; g++) {
        const e = order[g];
        let h = g;
        for (; h > start && ids[order[h - 1]] > ids[e]; h--) order[h] = order[h - 1];
        order[h] = e;
      }
      start = i;
    }
  }
}
