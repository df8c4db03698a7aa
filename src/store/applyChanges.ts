import { inTransaction, type PoolConnection } from './sql.js';
import { deleteLists, writeLists } from './listStore.js';
import { writePublishedState, LIVE, type PublishedState } from './resultTables.js';
import { ResultWriter, type WritePath } from './resultWriter.js';
import { deleteRowsByKey, deleteRowsOfSubjects, readRowsByKey, readRowsOfSubjects, type StoredRow } from './resultKeys.js';
import type { ApplyCounts } from './runCounts.js';
import { writeParts } from './runStore.js';
import type { SubjectLists } from '../engine/SubjectLists.js';
import type { ResultBatch } from '../engine/types.js';
import type { ListDirection } from './listStore.js';

/** What one direction of the published set turns into: row deletes and inserts, never a rewrite of an unchanged row. */
export interface DirectionChange {
  direction: ListDirection;
  /** New lists of the subjects whose list changed in any way (rows or reserve): upserted into match_lists. */
  lists: SubjectLists;
  /** Subjects that leave the set: all their rows and their list deleted. */
  removed: number[];
  /** Rows the removed subjects have (what deleting them removes). */
  removedRows: number;
  /** Rows of remaining subjects that leave their list or change score: deleted by key (talent, job). */
  deleteKeys: { talentIds: number[]; jobIds: number[] };
  /** Rows that enter a list or changed score: inserted, credited to this run. */
  insert: ResultBatch;
}

export interface ChangeSet {
  t2j: DirectionChange;
  j2t: DirectionChange;
  published: PublishedState;
}

/** Where applying spent its time (ms). */
export interface ApplyTimings {
  applyUndoReadMs: number;
  applyDeleteMs: number;
  applyInsertMs: number;
  applyListsMs: number;
  applyCommitMs: number;
}

/** Undo data of the rows: what was deleted (as stored, with its run), and the keys inserted. */
export interface RowUndo {
  deleted: StoredRow[];
  inserted: [talent: number, job: number][];
}

/**
 * Applies an incremental run to the published set in ONE transaction on `conn`
 * (the connection holding the match lock): readers using consistent reads see
 * the set before or after, never between; match_published changes with it. Rows
 * are deleted and inserted by key, nothing else is rewritten. The rows it deletes
 * are kept (undo_rows, same transaction) so rollback restores them exactly.
 */
export async function applyChanges(
  conn: PoolConnection,
  c: ChangeSet,
  write: { path: WritePath; maxAllowedPacket: number },
  statementBytes: number,
  runId: number,
  o: { signal?: AbortSignal; beforeCommit?: () => Promise<void> } = {},
): Promise<{ counts: ApplyCounts; timings: ApplyTimings }> {
  const counts: ApplyCounts = { rowsDeleted: 0, rowsInserted: 0, listsWritten: 0, listsDeleted: 0 };
  const timings: ApplyTimings = { applyUndoReadMs: 0, applyDeleteMs: 0, applyInsertMs: 0, applyListsMs: 0, applyCommitMs: 0 };
  let t = performance.now();
  const lap = (k: keyof ApplyTimings) => {
    const now = performance.now();
    timings[k] += now - t;
    t = now;
  };
  const undo: Record<string, RowUndo> = {};
  await inTransaction(conn, async () => {
    // A stop requested during the apply rolls it back whole (checked between statements and before the commit).
    for (const d of [c.t2j, c.j2t]) {
      o.signal?.throwIfAborted();
      const { talentIds, jobIds } = d.deleteKeys;
      const deleted = [...(await readRowsOfSubjects(conn, d.direction, d.removed)), ...(await readRowsByKey(conn, d.direction, talentIds, jobIds))];
      lap('applyUndoReadMs');
      counts.rowsDeleted += (await deleteRowsOfSubjects(conn, d.direction, d.removed)) + (await deleteRowsByKey(conn, d.direction, talentIds, jobIds));
      lap('applyDeleteMs');
      const writer = new ResultWriter(conn, LIVE, write.path, write.maxAllowedPacket, 1);
      await writer.write(d.insert);
      await writer.flush();
      counts.rowsInserted += d.insert.length;
      const t2j = d.direction === 'talent_to_job';
      const inserted = Array.from(d.insert.subjectIds, (s, i): [number, number] => (t2j ? [s, d.insert.candidateIds[i]] : [d.insert.candidateIds[i], s]));
      undo[d.direction] = { deleted, inserted };
      lap('applyInsertMs');
      await deleteLists(conn, 'match_lists', d.direction, d.removed);
      await writeLists(conn, 'match_lists', d.direction, d.lists, statementBytes, true);
      counts.listsDeleted += d.removed.length;
      counts.listsWritten += d.lists.subjectIds.length;
      lap('applyListsMs');
    }
    await writeParts(conn, runId, 'undo_rows', 0, Buffer.from(JSON.stringify(undo)), statementBytes);
    lap('applyUndoReadMs');
    await writePublishedState(conn, 'match_published', c.published);
    await o.beforeCommit?.();
    o.signal?.throwIfAborted();
  });
  lap('applyCommitMs');
  return { counts, timings };
}
