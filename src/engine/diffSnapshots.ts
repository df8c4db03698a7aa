import { sameHash, type SideSnapshot } from './snapshotCodec.js';

/** How one side's eligible set changed since the published run (indexes into `cur` or `base`). */
export interface SideDiff {
  /** Eligible now, not then (new, restored, newly published or embedded). Indexes into cur. */
  added: number[];
  /** Eligible then and now, with other vectors. Indexes into cur. */
  changed: number[];
  /** Eligible then, not now (deleted, expired, unpublished, embedding gone). Ids. */
  removed: number[];
  /** Eligible then and now, same vectors. Indexes into cur. */
  unchanged: number[];
}

/** Both snapshots are ascending by id: one merge pass. */
export function diffSide(base: SideSnapshot, cur: SideSnapshot): SideDiff {
  const d: SideDiff = { added: [], changed: [], removed: [], unchanged: [] };
  let i = 0;
  let j = 0;
  while (i < base.ids.length || j < cur.ids.length) {
    if (j >= cur.ids.length || (i < base.ids.length && base.ids[i] < cur.ids[j])) d.removed.push(base.ids[i++]);
    else if (i >= base.ids.length || cur.ids[j] < base.ids[i]) d.added.push(j++);
    else {
      (sameHash(base, i, cur, j) ? d.unchanged : d.changed).push(j);
      i++;
      j++;
    }
  }
  return d;
}

/** Share of the side that changed in any way, relative to the larger of then and now. */
export function changeShare(d: SideDiff): number {
  const then = d.changed.length + d.removed.length + d.unchanged.length;
  const now = d.added.length + d.changed.length + d.unchanged.length;
  const moved = d.added.length + d.changed.length + d.removed.length;
  return moved === 0 ? 0 : moved / Math.max(1, then, now);
}
