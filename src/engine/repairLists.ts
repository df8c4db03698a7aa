import { FACET_COUNT } from '../facets.js';
import { listBefore as before } from './listRows.js';
import { allocLists, type SubjectLists } from './SubjectLists.js';

const F = FACET_COUNT;

export interface RepairInput {
  /** Every published list of this direction, ascending by subject. */
  old: SubjectLists;
  /** The subjects to repair (unchanged and still eligible), ascending. */
  subjects: ArrayLike<number>;
  /** Candidates whose stored entries no longer hold: gone, or with other vectors now. */
  stale: Set<number>;
  /** Fresh entries from the changed candidates, per subject (a subset of subjects), ascending. */
  fresh: SubjectLists;
  /** Candidates fresh entries must not come from (recomputed for other reasons; their stored entries hold). */
  ignoreFresh?: Set<number>;
  capacity: number;
  topK: number;
}

export interface RepairResult {
  /** New lists of the subjects whose list changed and is still exact. */
  repaired: SubjectLists;
  /** Subjects whose list lost more than its reserve could cover: recompute them whole. */
  invalid: number[];
  unchanged: number;
}

/**
 * Repairs lists after some candidates changed, exactly, without rescoring anyone
 * else. A stored list holds a subject's best candidates in strict (mean desc,
 * id asc) order. When it is not complete, every candidate not in it ranks below
 * its last entry (the bound), so after dropping stale entries and merging fresh
 * ones, the entries at or above the bound are exactly the new best ones (the
 * list shrinks by what it lost: the reserve pays for it); a complete list held
 * every candidate, so all of it is exact. A repaired list is kept when it still
 * decides the published top-k (the tie group at rank k ends inside it);
 * otherwise the subject is recomputed.
 */
export function repairLists(r: RepairInput): RepairResult {
  const out: { id: number; ids: number[]; means: number[]; cents: Int16Array[]; runId: number; computedAt: number; complete: boolean }[] = [];
  const invalid: number[] = [];
  let unchanged = 0;
  let o = 0;
  let c = 0;
  for (let k = 0; k < r.subjects.length; k++) {
    const s = r.subjects[k];
    while (o < r.old.subjectIds.length && r.old.subjectIds[o] < s) o++;
    while (c < r.fresh.subjectIds.length && r.fresh.subjectIds[c] < s) c++;
    const hasOld = o < r.old.subjectIds.length && r.old.subjectIds[o] === s;
    const hasFresh = c < r.fresh.subjectIds.length && r.fresh.subjectIds[c] === s;
    const [of, ot] = hasOld ? [r.old.offsets[o], r.old.offsets[o + 1]] : [0, 0];
    // No stored list: the subject had no candidate at all, a complete (empty) list.
    const wasComplete = !hasOld || r.old.complete[o] === 1;
    const bound = !wasComplete && ot > of ? { mean: r.old.means[ot - 1], id: r.old.candidateIds[ot - 1] } : null;
    const entries: { id: number; mean: number; cents: Int16Array; fresh: boolean }[] = [];
    let lost = false;
    for (let e = of; e < ot; e++) {
      const id = r.old.candidateIds[e];
      if (r.stale.has(id)) lost = true;
      else entries.push({ id, mean: r.old.means[e], cents: r.old.cents.subarray(e * F, (e + 1) * F), fresh: false });
    }
    let gained = false;
    if (hasFresh) {
      for (let e = r.fresh.offsets[c]; e < r.fresh.offsets[c + 1]; e++) {
        const id = r.fresh.candidateIds[e];
        const mean = r.fresh.means[e];
        if (r.ignoreFresh?.has(id)) continue;
        // Below the bound the stored list says nothing: an unknown candidate may rank higher.
        if (bound && before(bound.mean, bound.id, mean, id)) continue;
        entries.push({ id, mean, cents: r.fresh.cents.subarray(e * F, (e + 1) * F), fresh: true });
        gained = true;
      }
    }
    if (!lost && !gained) {
      unchanged++;
      continue;
    }
    entries.sort((a, b) => (before(a.mean, a.id, b.mean, b.id) ? -1 : 1));
    const kept = entries.slice(0, r.capacity);
    const complete = wasComplete && entries.length <= r.capacity && kept.length < r.capacity;
    if (!complete && !decidesTopK(kept.map((x) => x.mean), r.topK)) {
      invalid.push(s);
      continue;
    }
    out.push({ id: s, ids: kept.map((x) => x.id), means: kept.map((x) => x.mean), cents: kept.map((x) => x.cents), runId: hasOld ? r.old.runIds[o] : 0, computedAt: hasOld ? r.old.computedAt[o] : 0, complete });
  }
  const repaired = allocLists(out.length, out.reduce((n, x) => n + x.ids.length, 0));
  let e = 0;
  out.forEach((x, i) => {
    repaired.subjectIds[i] = x.id;
    repaired.runIds[i] = x.runId;
    repaired.computedAt[i] = x.computedAt;
    repaired.complete[i] = x.complete ? 1 : 0;
    repaired.offsets[i] = e;
    x.ids.forEach((id, j) => {
      repaired.candidateIds[e + j] = id;
      repaired.means[e + j] = x.means[j];
      repaired.cents.set(x.cents[j], (e + j) * F);
    });
    e += x.ids.length;
  });
  repaired.offsets[out.length] = e;
  return { repaired, invalid, unchanged };
}

/**
 * Whether a list that is not every candidate still fixes the published top-k:
 * it must hold more than topK entries. Every candidate it does not hold comes
 * after its last entry in the strict list order, so the first topK are final.
 */
export function decidesTopK(means: readonly number[], topK: number): boolean {
  return means.length > topK;
}
