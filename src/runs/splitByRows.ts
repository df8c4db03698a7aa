import { FACET_COUNT } from '../facets.js';
import type { DirectionChange } from '../store/applyChanges.js';
import type { ListDirection } from '../store/listStore.js';
import { pickRows, rowsFromLists } from '../engine/listRows.js';
import { scoreCents } from '../engine/scoreCents.js';
import { concatLists, emptyLists, pickSubjects, type SubjectLists } from '../engine/SubjectLists.js';
import type { ResultBatch } from '../engine/types.js';

const F = FACET_COUNT;

export interface Split {
  change: DirectionChange;
  /** Old lists of every subject the change touches (what rollback restores). */
  touchedOld: SubjectLists;
  touchedIds: number[];
}

/**
 * Turns an incremental run's new lists of one direction into the smallest change
 * of the published rows: a row that keeps its candidate and its published scores
 * stays as it is (contract v2 stores no rank, so a neighbour leaving changes
 * nothing in it); a row that leaves or changes is deleted; a row that enters or
 * changes is inserted. Lists equal to the stored ones are left alone.
 * `leaving`: subjects whose rows must go unless they got a new list.
 */
export function splitByRows(direction: ListDirection, parts: SubjectLists[], old: SubjectLists, leaving: number[], topK: number, runId: number, computedAt: number): Split {
  const fresh = concatLists(parts);
  const oldAt = new Map<number, number>();
  old.subjectIds.forEach((id, i) => oldAt.set(id, i));
  const changed: number[] = [];
  const changedOld: number[] = [];
  for (let i = 0; i < fresh.subjectIds.length; i++) {
    const o = oldAt.get(fresh.subjectIds[i]);
    if (o !== undefined && sameList(old, o, fresh, i)) continue;
    fresh.runIds[i] = runId;
    fresh.computedAt[i] = computedAt;
    changed.push(i);
    if (o !== undefined) changedOld.push(o);
  }
  const lists = pickSubjects(fresh, changed);
  const newRows = rowsFromLists(direction, lists, topK);
  const oldRows = rowsFromLists(direction, pickSubjects(old, changedOld), topK);
  const { deleteAt, insertAt } = diffRows(oldRows, newRows);
  const t2j = direction === 'talent_to_job';
  const deleteKeys: DirectionChange['deleteKeys'] = { talentIds: [], jobIds: [] };
  for (const r of deleteAt) {
    deleteKeys.talentIds.push(t2j ? oldRows.subjectIds[r] : oldRows.candidateIds[r]);
    deleteKeys.jobIds.push(t2j ? oldRows.candidateIds[r] : oldRows.subjectIds[r]);
  }
  const kept = new Set(fresh.subjectIds);
  const removed = [...new Set(leaving)].filter((id) => !kept.has(id) && oldAt.has(id));
  let removedRows = 0;
  for (const id of removed) {
    const o = oldAt.get(id)!;
    removedRows += Math.min(topK, old.offsets[o + 1] - old.offsets[o]);
  }
  const touchedIds = [...Array.from(lists.subjectIds), ...removed];
  const touchedOldIdx = touchedIds.map((id) => oldAt.get(id)).filter((x): x is number => x !== undefined);
  // Inserted in primary-key order (talent, job): consecutive rows land on the same index pages (a posting's rows are talents all over the table).
  const pk = t2j ? [newRows.subjectIds, newRows.candidateIds] : [newRows.candidateIds, newRows.subjectIds];
  insertAt.sort((a, b) => pk[0][a] - pk[0][b] || pk[1][a] - pk[1][b]);
  return {
    change: { direction, lists, removed, removedRows, deleteKeys, insert: pickRows(newRows, insertAt) },
    touchedOld: touchedOldIdx.length ? pickSubjects(old, touchedOldIdx) : emptyLists(),
    touchedIds,
  };
}

/** Whether two stored lists are the same (entries, scores, completeness). */
function sameList(a: SubjectLists, i: number, b: SubjectLists, j: number): boolean {
  const [af, at, bf, bt] = [a.offsets[i], a.offsets[i + 1], b.offsets[j], b.offsets[j + 1]];
  if (at - af !== bt - bf || a.complete[i] !== b.complete[j]) return false;
  for (let e = 0; e < at - af; e++) {
    if (a.candidateIds[af + e] !== b.candidateIds[bf + e] || a.means[af + e] !== b.means[bf + e]) return false;
    for (let f = 0; f < F; f++) if (a.cents[(af + e) * F + f] !== b.cents[(bf + e) * F + f]) return false;
  }
  return true;
}

/**
 * Old rows to delete and new rows to insert, per subject: a (subject, candidate)
 * row published with the same scores in both is neither. Rows of one subject are
 * contiguous in both batches.
 */
export function diffRows(oldRows: ResultBatch, newRows: ResultBatch): { deleteAt: number[]; insertAt: number[] } {
  const oldRange = new Map<number, [number, number]>();
  for (let r = 0; r < oldRows.length; ) {
    let e = r + 1;
    while (e < oldRows.length && oldRows.subjectIds[e] === oldRows.subjectIds[r]) e++;
    oldRange.set(oldRows.subjectIds[r], [r, e]);
    r = e;
  }
  const matched = new Uint8Array(oldRows.length);
  const insertAt: number[] = [];
  const at = new Map<number, number>();
  for (let r = 0; r < newRows.length; ) {
    let e = r + 1;
    while (e < newRows.length && newRows.subjectIds[e] === newRows.subjectIds[r]) e++;
    const [of, ot] = oldRange.get(newRows.subjectIds[r]) ?? [0, 0];
    at.clear();
    for (let o = of; o < ot; o++) at.set(oldRows.candidateIds[o], o);
    for (let n = r; n < e; n++) {
      const o = at.get(newRows.candidateIds[n]);
      if (o !== undefined && samePublished(oldRows, o, newRows, n)) matched[o] = 1;
      else insertAt.push(n);
    }
    r = e;
  }
  const deleteAt: number[] = [];
  for (let o = 0; o < oldRows.length; o++) if (!matched[o]) deleteAt.push(o);
  return { deleteAt, insertAt };
}

/** Same published values: total and facet scores as DECIMAL(5,2). */
function samePublished(a: ResultBatch, i: number, b: ResultBatch, j: number): boolean {
  if (scoreCents(a.totals[i]) !== scoreCents(b.totals[j])) return false;
  for (let f = 0; f < F; f++) if (a.facetCents[i * F + f] !== b.facetCents[j * F + f]) return false;
  return true;
}
