import { exec, execPrepared, rows, type Queryable } from './sql.js';
import { concatLists, decodeLists, emptyLists, encodeLists, pickSubjects, type SubjectLists } from '../engine/SubjectLists.js';

export type ListDirection = 'talent_to_job' | 'job_to_talent';
type Q = Queryable;

/**
 * Writes one row per subject (its exact list, encodeLists of that one subject)
 * into a match_lists table, as prepared statements so the blobs travel as bytes,
 * in statements of at most `statementBytes`. `replace`: upsert over existing rows.
 */
export async function writeLists(q: Q, table: string, direction: ListDirection, lists: SubjectLists, statementBytes: number, replace = false): Promise<void> {
  let rows: [string, number, Buffer][] = [];
  let bytes = 0;
  const flush = async () => {
    if (!rows.length) return;
    await execPrepared(
      q,
      `INSERT INTO ${table} (direction, subject_id, entries) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}${replace ? ' ON DUPLICATE KEY UPDATE entries = VALUES(entries)' : ''}`,
      rows.flat(),
    );
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

/** Lists of one direction (all of them, or of the given subjects), ascending by subject. */
export async function readLists(q: Q, table: string, direction: ListDirection, subjects?: ArrayLike<number>): Promise<SubjectLists> {
  const parts: SubjectLists[] = [];
  const read = async (where: string, params: unknown[], limit = '') => {
    const found = await rows<[Buffer]>(q, { sql: `SELECT entries FROM ${table} WHERE direction = ?${where} ORDER BY subject_id${limit}`, values: [direction, ...params], rowsAsArray: true });
    for (const [blob] of found) parts.push(decodeLists(blob));
  };
  if (subjects === undefined) {
    // Keyset pages: a table of 100k lists is ~200 MB.
    for (let after = -1; ; ) {
      const before = parts.length;
      await read(' AND subject_id > ?', [after], ' LIMIT 5000');
      if (parts.length === before) break;
      after = parts[parts.length - 1].subjectIds[0];
    }
  } else {
    const ids = Array.from(subjects);
    for (let i = 0; i < ids.length; i += 5000) await read(' AND subject_id IN (?)', [ids.slice(i, i + 5000)]);
  }
  return parts.length ? concatLists(parts) : emptyLists();
}

export async function deleteLists(q: Q, table: string, direction: ListDirection, subjects: ArrayLike<number>): Promise<void> {
  const ids = Array.from(subjects);
  for (let i = 0; i < ids.length; i += 5000) await exec(q, `DELETE FROM ${table} WHERE direction = ? AND subject_id IN (?)`, [direction, ids.slice(i, i + 5000)]);
}
