import { CandidateTable } from './CandidateTable.js';
import type { SubjectLists } from './SubjectLists.js';

/**
 * The exact lists of `subjectIds` (ascending) from partial lists of them (blocks,
 * shards, passes): every entry offered to one table. The order is total, so the
 * result does not depend on how candidates were split. Entries of subjects not
 * in subjectIds are ignored.
 */
export function mergeLists(subjectIds: Float64Array, parts: readonly SubjectLists[], capacity: number): SubjectLists {
  const table = new CandidateTable(subjectIds.length, capacity);
  const rowOf = new Map<number, number>();
  subjectIds.forEach((id, i) => rowOf.set(id, i));
  for (const lists of parts) {
    for (let i = 0; i < lists.subjectIds.length; i++) {
      const row = rowOf.get(lists.subjectIds[i]);
      if (row !== undefined) table.offerList(row, lists, i);
    }
  }
  return table.toLists(subjectIds);
}
