import { decodeLists, pickSubjects, type SubjectLists } from '../engine/SubjectLists.js';
import type { RowUndo } from './applyChanges.js';
import { deleteLists, writeLists } from './listStore.js';
import { batchOfStored, deleteRowsByKey } from './resultKeys.js';
import { LIVE, writePublishedState, type PublishedState } from './resultTables.js';
import { ResultWriter, type WritePath } from './resultWriter.js';
import { readParts } from './runStore.js';
import { inTransaction, rows, type PoolConnection } from './sql.js';

/**
 * Puts the published set back as it was before incremental run `runId`, in one
 * transaction: the rows it inserted go, the rows it deleted come back as they
 * were stored (with their run ids), the touched subjects get their old lists
 * back (subjects it added lose theirs), and match_published its old row. Rows of talents or
 * postings deleted since are not brought back. Returns the run now published.
 */
/** What an incremental run wrote before its apply (runs/runIncremental.ts writeUndo): the set it changed and the subjects it touched. */
interface UndoState {
  published: PublishedState & { publishedAt?: string };
  touched: { t2j: number[]; j2t: number[] };
}

/** The set an incremental run's undo data restores, or null when that data is gone. */
export async function readUndoTarget(conn: PoolConnection, runId: number): Promise<{ runId: number; publishedAt: Date | null } | null> {
  const data = (await readParts(conn, runId, 'undo_state')).get(0);
  if (!data) return null;
  const { published }: UndoState = JSON.parse(data.toString());
  return { runId: published.runId, publishedAt: published.publishedAt ? new Date(published.publishedAt) : null };
}

export async function undoIncrement(
  conn: PoolConnection,
  runId: number,
  write: { path: WritePath; maxAllowedPacket: number },
  statementBytes: number,
  /** Runs in the same transaction, last: the runs' statuses change with the data. */
  alsoInside: () => Promise<void> = async () => undefined,
): Promise<number> {
  const part = async (kind: string) => {
    const data = (await readParts(conn, runId, kind)).get(0);
    if (!data) throw new Error(`incremental run ${runId} has no ${kind} data; it cannot be undone`);
    return data;
  };
  const state: UndoState = JSON.parse((await part('undo_state')).toString());
  const old = { talent_to_job: decodeLists(await part('undo_t2j')), job_to_talent: decodeLists(await part('undo_j2t')) };
  const rowUndo: Record<'talent_to_job' | 'job_to_talent', RowUndo> = JSON.parse((await part('undo_rows')).toString());
  const alive = {
    users: await existing(conn, 'users', [...old.talent_to_job.subjectIds, ...rowUndo.talent_to_job.deleted.map((r) => r[0]), ...rowUndo.job_to_talent.deleted.map((r) => r[0])]),
    jobs: await existing(conn, 'job_postings', [...old.job_to_talent.subjectIds, ...rowUndo.talent_to_job.deleted.map((r) => r[1]), ...rowUndo.job_to_talent.deleted.map((r) => r[1])]),
  };
  await inTransaction(conn, async () => {
    for (const direction of ['talent_to_job', 'job_to_talent'] as const) {
      const touched = direction === 'talent_to_job' ? state.touched.t2j : state.touched.j2t;
      const { deleted, inserted } = rowUndo[direction];
      await deleteRowsByKey(conn, direction, inserted.map((k) => k[0]), inserted.map((k) => k[1]));
      const back = deleted.filter(([talent, job]) => alive.users.has(talent) && alive.jobs.has(job));
      const writer = new ResultWriter(conn, LIVE, write.path, write.maxAllowedPacket, 1);
      await writer.write(batchOfStored(direction, back));
      await writer.flush();
      await deleteLists(conn, 'match_lists', direction, touched);
      await writeLists(conn, 'match_lists', direction, withoutDeleted(old[direction], direction === 'talent_to_job' ? alive.users : alive.jobs), statementBytes);
    }
    // Exactly as it was, published_at included: `status --max-age` judges the restored set by its own age.
    await writePublishedState(conn, 'match_published', { ...state.published, publishedAt: state.published.publishedAt ? new Date(state.published.publishedAt) : undefined });
    await alsoInside();
  });
  return state.published.runId;
}

async function existing(conn: PoolConnection, table: string, ids: number[]): Promise<Set<number>> {
  const unique = [...new Set(ids)];
  const out = new Set<number>();
  for (let i = 0; i < unique.length; i += 10_000) {
    for (const r of await rows<{ id: number }>(conn, `SELECT id FROM ${table} WHERE id IN (?)`, [unique.slice(i, i + 10_000)])) out.add(Number(r.id));
  }
  return out;
}

function withoutDeleted(l: SubjectLists, alive: Set<number>): SubjectLists {
  const keep: number[] = [];
  l.subjectIds.forEach((id, i) => alive.has(id) && keep.push(i));
  return keep.length === l.subjectIds.length ? l : pickSubjects(l, keep);
}
