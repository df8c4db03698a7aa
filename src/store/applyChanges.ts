import type { PoolConnection } from 'mysql2/promise';
import { deleteLists, writeLists, type ListDirection } from './listStore.js';
import { rowsFromLists } from '../engine/listRows.js';
import { LIVE, writePublishedState, type PublishedState } from './resultTables.js';
import { ResultWriter, type WritePath } from './resultWriter.js';
import type { SubjectLists } from '../engine/SubjectLists.js';

/** What one direction of the published set turns into. */
export interface DirectionChange {
  direction: ListDirection;
  /** New lists whose published rows change: their rows are replaced. */
  rewrite: SubjectLists;
  /** New lists whose published rows stay as they are (only the reserve moved). */
  listOnly: SubjectLists;
  /** Subjects that leave the set: rows and list deleted. */
  removed: number[];
}

export interface ChangeSet {
  t2j: DirectionChange;
  j2t: DirectionChange;
  topK: number;
  published: PublishedState;
}

const SUBJECT = { talent_to_job: 'talent_user_id', job_to_talent: 'job_posting_id' } as const;

/**
 * Applies an incremental run to the published set in ONE transaction on `conn`
 * (the connection holding the match lock): readers using consistent reads see
 * the set before or after, never between; match_published changes with it.
 * Returns the rows written.
 */
export async function applyChanges(conn: PoolConnection, c: ChangeSet, write: { path: WritePath; maxAllowedPacket: number }, statementBytes: number, o: { signal?: AbortSignal; beforeCommit?: () => Promise<void> } = {}): Promise<number> {
  let rows = 0;
  await conn.beginTransaction();
  try {
    // A stop requested during the apply rolls it back whole (checked between statements and before the commit).
    for (const d of [c.t2j, c.j2t]) {
      o.signal?.throwIfAborted();
      const gone = [...d.removed, ...Array.from(d.rewrite.subjectIds)];
      for (let i = 0; i < gone.length; i += 5000) {
        await conn.query(`DELETE FROM ${LIVE} WHERE direction = ? AND ${SUBJECT[d.direction]} IN (?)`, [d.direction, gone.slice(i, i + 5000)]);
      }
      const batch = rowsFromLists(d.direction, d.rewrite, c.topK);
      const writer = new ResultWriter(conn, LIVE, write.path, write.maxAllowedPacket, 1);
      await writer.write(batch);
      await writer.flush();
      rows += batch.length;
      await deleteLists(conn, 'match_lists', d.direction, d.removed);
      await writeLists(conn, 'match_lists', d.direction, d.rewrite, statementBytes, true);
      await writeLists(conn, 'match_lists', d.direction, d.listOnly, statementBytes, true);
    }
    await writePublishedState(conn, 'match_published', c.published);
    await o.beforeCommit?.();
    o.signal?.throwIfAborted();
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
  return rows;
}
