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
  private readonly cos: Float32Array;

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

  /** Offers a candidate; cosines are read from cosSrc[cosOff + f * cosStride]. */
  offer(s: number, score: number, id: number, mask: number, cosSrc: ArrayLike<number>[], cosOff: number): void {
    const cap = this.capacity;
    const base = s * cap;
    let n = this.counts[s];
    if (n === cap) {
      const ls = this.scores[base + n - 1];
      if (score < ls || (score === ls && id > this.ids[base + n - 1])) return;
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
    const c = (base + p) * F;
    for (let f = 0; f < F; f++) this.cos[c + f] = cosSrc[f] ? cosSrc[f][cosOff] : 0;
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
    const order: number[] = [];
    let row = 0;
    for (let s = 0; s < this.subjects; s++) {
      const base = s * this.capacity;
      const n = this.counts[s];
      order.length = 0;
      for (let i = 0; i < n; i++) order.push(base + i);
      this.sortTieGroups(order, tieEpsilon);
      const take = Math.min(n, topK);
      for (let r = 0; r < take; r++, row++) {
        const e = order[r];
        out.subjectIds[row] = subjectIds[s];
        out.candidateIds[row] = this.ids[e];
        out.ranks[row] = r + 1;
        out.totals[row] = (this.scores[e] + 1) * 50;
        for (let f = 0; f < F; f++) {
          const cos = Math.min(1, Math.max(-1, this.cos[e * F + f]));
          out.facetScores[row * F + f] = this.masks[e] & (1 << f) ? (cos + 1) * 50 : NaN;
        }
      }
    }
    return out;
  }

  private sortTieGroups(order: number[], eps: number): void {
    let start = 0;
    for (let i = 1; i <= order.length; i++) {
      if (i < order.length && this.scores[order[i - 1]] - this.scores[order[i]] <= eps) continue;
      if (i - start > 1) {
        const group = order.slice(start, i).sort((a, b) => this.ids[a] - this.ids[b]);
        for (let g = 0; g < group.length; g++) order[start + g] = group[g];
      }
      start = i;
    }
  }
}
