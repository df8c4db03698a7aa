import { FACET_COUNT } from '../facets.js';
import type { ListDirection } from '../store/listStore.js';
import { rowsFromLists } from '../engine/listRows.js';
import { scoreCents } from '../engine/resultRows.js';
import { concatLists, emptyLists, pickSubjects, type SubjectLists } from '../engine/SubjectLists.js';
import type { DirectionChange } from '../store/applyChanges.js';

export interface Split {
  change: DirectionChange;
  /** Old lists of every subject the change touches (what rollback restores). */
  touchedOld: SubjectLists;
  touchedIds: number[];
}

/**
 * Sorts an incremental run's new lists of one direction into those whose
 * published rows change (rewritten, credited to this run) and those where only
 * the reserve moved (the list is updated, the rows and their run stay), and
 * finds the subjects that lose their rows. `leaving`: subjects whose old rows
 * must go unless they got a new list (no longer eligible, or no match left).
 */
export function splitByRows(direction: ListDirection, parts: SubjectLists[], old: SubjectLists, leaving: number[], topK: number, runId: number, computedAt: number): Split {
  const fresh = concatLists(parts);
  const oldAt = new Map<number, number>();
  old.subjectIds.forEach((id, i) => oldAt.set(id, i));
  const rewrite: number[] = [];
  const listOnly: number[] = [];
  for (let i = 0; i < fresh.subjectIds.length; i++) {
    const o = oldAt.get(fresh.subjectIds[i]);
    if (o !== undefined && sameRows(direction, pickSubjects(old, [o]), pickSubjects(fresh, [i]), topK)) {
      fresh.runIds[i] = old.runIds[o];
      fresh.computedAt[i] = old.computedAt[o];
      listOnly.push(i);
    } else {
      fresh.runIds[i] = runId;
      fresh.computedAt[i] = computedAt;
      rewrite.push(i);
    }
  }
  const kept = new Set(fresh.subjectIds);
  const removed = [...new Set(leaving)].filter((id) => !kept.has(id) && oldAt.has(id));
  const touchedIds = [...fresh.subjectIds, ...removed].filter((id) => oldAt.has(id) || kept.has(id));
  const touchedOldIdx = touchedIds.map((id) => oldAt.get(id)).filter((x): x is number => x !== undefined);
  return {
    change: { direction, rewrite: pickSubjects(fresh, rewrite), listOnly: pickSubjects(fresh, listOnly), removed },
    touchedOld: touchedOldIdx.length ? pickSubjects(old, touchedOldIdx) : emptyLists(),
    touchedIds,
  };
}

/** Whether two lists of one subject publish the same rows (candidates, ranks, scores as stored). */
function sameRows(direction: ListDirection, a: SubjectLists, b: SubjectLists, topK: number): boolean {
  const ra = rowsFromLists(direction, a, topK);
  const rb = rowsFromLists(direction, b, topK);
  if (ra.length !== rb.length) return false;
  for (let i = 0; i < ra.length; i++) {
    if (ra.candidateIds[i] !== rb.candidateIds[i] || ra.ranks[i] !== rb.ranks[i]) return false;
    if (scoreCents(ra.totals[i]) !== scoreCents(rb.totals[i])) return false;
    for (let f = 0; f < FACET_COUNT; f++) if (ra.facetCents[i * FACET_COUNT + f] !== rb.facetCents[i * FACET_COUNT + f]) return false;
  }
  return true;
}
