import { FACET_COUNT } from '../facets.js';
import { allocLists, type SubjectLists } from './SubjectLists.js';

const F = FACET_COUNT;

/**
 * Per-subject best candidates, kept in strict order (score desc, id asc) with a
 * fixed capacity: topK plus the reserve incremental runs repair lists from (at
 * least enough for the tie rule at the cut). The order is a total order on
 * (score, id), so the table's content is the same whatever order candidates are
 * offered in: merging blocks, shards or a resumed run gives the same lists.
 */
export class CandidateTable {
  readonly counts: Int32Array;
  private readonly scores: Float64Array;
  private readonly ids: Float64Array;
  /** Per entry, F facet scores in hundredths (-1 = not shared); written by the caller after offer(). */
  readonly cents: Int16Array;

  constructor(readonly subjects: number, readonly capacity: number) {
    this.counts = new Int32Array(subjects);
    this.scores = new Float64Array(subjects * capacity);
    this.ids = new Float64Array(subjects * capacity);
    this.cents = new Int16Array(subjects * capacity * F);
  }

  /** Bytes held by one table of this shape (for memory planning). */
  static bytesFor(subjects: number, capacity: number): number {
    return subjects * (4 + capacity * (8 + 8 + 2 * F));
  }

  clear(): void {
    this.counts.fill(0);
  }

  /** The last exact score of a full list: a candidate below it cannot enter; -Infinity while the list has room. */
  floor(s: number): number {
    return this.counts[s] === this.capacity ? this.scores[s * this.capacity + this.capacity - 1] : -Infinity;
  }

  /**
   * A lower bound on the list's floor once candidates whose exact scores are at
   * least lower[0..m) (descending) have been offered: the capacity-th largest of
   * its scores and those; -Infinity when fewer.
   */
  floorWith(s: number, lower: ArrayLike<number>, m: number): number {
    const cap = this.capacity;
    const n = this.counts[s];
    let a = 0;
    let b = 0;
    let last = -Infinity;
    for (let k = 0; k < cap; k++) {
      if (a < n && (b >= m || this.scores[s * cap + a] >= lower[b])) last = this.scores[s * cap + a++];
      else if (b < m) last = lower[b++];
      else return -Infinity;
    }
    return last;
  }

  /**
   * Offers a candidate; returns its entry (write its facet cents at cents[entry * F + f])
   * or -1 when rejected, without touching anything (the common case once full).
   */
  offer(s: number, score: number, id: number): number {
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
      this.cents.copyWithin((base + p + 1) * F, (base + p) * F, (base + n) * F);
    }
    this.scores[base + p] = score;
    this.ids[base + p] = id;
    return base + p;
  }

  /** Offers every entry of subject `from` in `lists` to table subject `s`. */
  offerList(s: number, lists: SubjectLists, from: number): void {
    for (let e = lists.offsets[from]; e < lists.offsets[from + 1]; e++) {
      const at = this.offer(s, lists.means[e], lists.candidateIds[e]);
      if (at >= 0) this.cents.set(lists.cents.subarray(e * F, (e + 1) * F), at * F);
    }
  }

  /**
   * The subjects' lists (subjects without entries left out); with a candidate id
   * range, only the entries inside it (a block's contribution to job lists).
   */
  toLists(subjectIds: ArrayLike<number>, range?: { lo: number; hi: number }): SubjectLists {
    const cap = this.capacity;
    const inRange = (id: number) => !range || (id >= range.lo && id <= range.hi);
    let subjects = 0;
    let entries = 0;
    for (let s = 0; s < this.subjects; s++) {
      let k = 0;
      for (let i = 0; i < this.counts[s]; i++) if (inRange(this.ids[s * cap + i])) k++;
      if (k > 0) subjects++;
      entries += k;
    }
    const out = allocLists(subjects, entries);
    let o = 0;
    let e = 0;
    for (let s = 0; s < this.subjects; s++) {
      const start = e;
      for (let i = 0; i < this.counts[s]; i++) {
        const at = s * cap + i;
        if (!inRange(this.ids[at])) continue;
        out.candidateIds[e] = this.ids[at];
        out.means[e] = this.scores[at];
        out.cents.set(this.cents.subarray(at * F, (at + 1) * F), e * F);
        e++;
      }
      if (e === start) continue;
      out.subjectIds[o] = subjectIds[s];
      // A range is part of a list, never all of it.
      out.complete[o] = !range && this.counts[s] < cap ? 1 : 0;
      out.offsets[o++] = start;
    }
    out.offsets[subjects] = entries;
    return out;
  }
}
