import type { Pool, PoolConnection } from 'mysql2/promise';
import { encodeLists, pickSubjects, type SubjectLists } from './SubjectLists.js';

export type ListDirection = 'talent_to_job' | 'job_to_talent';

/**
 * Writes one row per subject (its exact list, encodeLists of that one subject)
 * into a match_lists table, as prepared statements so the blobs travel as bytes,
 * in statements of at most `statementBytes`.
 */
export async function writeLists(q: Pool | PoolConnection, table: string, direction: ListDirection, lists: SubjectLists, statementBytes: number): Promise<void> {
  let rows: [string, number, Buffer][] = [];
  let bytes = 0;
  const flush = async () => {
    if (!rows.length) return;
    await q.execute(`INSERT INTO ${table} (direction, subject_id, entries) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`, rows.flat());
    rows = [];
    bytes = 0;
  };
  for (let i = 0; i < lists.subjectIds.length; i++) {
    const blob = encodeLists(pickSubjects(lists, [i]));
    if (rows.length && (bytes + blob.length > statementBytes || rows.length >= 2000)) await flush();
    rows.push([direction, lists.subjectIds[i], blob]);
    bytes += blob.length + 64;
  }
  await flush();
}
