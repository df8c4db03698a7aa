import type { PoolConnection } from 'mysql2/promise';
import { deleteLists, writeLists } from '../store/listStore.js';
import { rowsFromLists } from '../engine/listRows.js';
import { LIVE, writePublishedState, type PublishedState } from '../store/resultTables.js';
import { ResultWriter, type WritePath } from '../store/resultWriter.js';
import { readParts } from '../store/runStore.js';
import { decodeLists, pickSubjects, type SubjectLists } from '../engine/SubjectLists.js';

const SUBJECT = { talent_to_job: 'talent_user_id', job_to_talent: 'job_posting_id' } as const;

/**
 * Puts the published set back as it was before incremental run `runId`, in one
 * transaction: the touched subjects get their old rows and lists back (subjects
 * it added lose theirs), and match_published its old row. Rows of talents or
 * postings deleted since are not brought back. Returns the run now published.
 */
/** The set an incremental run's undo data restores, or null when that data is gone. */
export async function readUndoTarget(conn: PoolConnection, runId: number): Promise<{ runId: number; publishedAt: Date | null } | null> {
  const data = (await readParts(conn, runId, 'undo_state')).get(0);
  if (!data) return null;
  const { published } = JSON.parse(data.toString()) as { published: PublishedState & { publishedAt?: string } };
  return { runId: published.runId, publishedAt: published.publishedAt ? new Date(published.publishedAt) : null };
}

export async function undoIncrement(conn: PoolConnection, runId: number, write: { path: WritePath; maxAllowedPacket: number }, statementBytes: number): Promise<number> {
  const part = async (kind: string) => {
    const data = (await readParts(conn, runId, kind)).get(0);
    if (!data) throw new Error(`incremental run ${runId} has no ${kind} data; it cannot be undone`);
    return data;
  };
  const state = JSON.parse((await part('undo_state')).toString()) as { published: PublishedState & { publishedAt?: string }; touched: { t2j: number[]; j2t: number[] } };
  const old = { talent_to_job: decodeLists(await part('undo_t2j')), job_to_talent: decodeLists(await part('undo_j2t')) };
  const alive = {
    users: await existing(conn, 'users', [...old.talent_to_job.subjectIds, ...old.job_to_talent.candidateIds]),
    jobs: await existing(conn, 'job_postings', [...old.job_to_talent.subjectIds, ...old.talent_to_job.candidateIds]),
  };
  await conn.beginTransaction();
  try {
    for (const direction of ['talent_to_job', 'job_to_talent'] as const) {
      const touched = direction === 'talent_to_job' ? state.touched.t2j : state.touched.j2t;
      for (let i = 0; i < touched.length; i += 5000) {
        await conn.query(`DELETE FROM ${LIVE} WHERE direction = ? AND ${SUBJECT[direction]} IN (?)`, [direction, touched.slice(i, i + 5000)]);
      }
      await deleteLists(conn, 'match_lists', direction, touched);
      const lists = withoutDeleted(old[direction], direction === 'talent_to_job' ? alive.users : alive.jobs);
      const rows = rowsFromLists(direction, lists, state.published.topK);
      const keep: number[] = [];
      const candidates = direction === 'talent_to_job' ? alive.jobs : alive.users;
      for (let r = 0; r < rows.length; r++) if (candidates.has(rows.candidateIds[r])) keep.push(r);
      const writer = new ResultWriter(conn, LIVE, write.path, write.maxAllowedPacket, 1);
      await writer.write(keep.length === rows.length ? rows : pickRows(rows, keep));
      await writer.flush();
      await writeLists(conn, 'match_lists', direction, lists, statementBytes);
    }
    // Exactly as it was, published_at included: `status --max-age` judges the restored set by its own age.
    await writePublishedState(conn, 'match_published', { ...state.published, publishedAt: state.published.publishedAt ? new Date(state.published.publishedAt) : undefined });
    await conn.commit();
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
  return state.published.runId;
}

async function existing(conn: PoolConnection, table: string, ids: number[]): Promise<Set<number>> {
  const unique = [...new Set(ids)];
  const out = new Set<number>();
  for (let i = 0; i < unique.length; i += 10_000) {
    const [rows] = await conn.query(`SELECT id FROM ${table} WHERE id IN (?)`, [unique.slice(i, i + 10_000)]);
    for (const r of rows as { id: number }[]) out.add(Number(r.id));
  }
  return out;
}

function withoutDeleted(l: SubjectLists, alive: Set<number>): SubjectLists {
  const keep: number[] = [];
  l.subjectIds.forEach((id, i) => alive.has(id) && keep.push(i));
  return keep.length === l.subjectIds.length ? l : pickSubjects(l, keep);
}

function pickRows<T extends ReturnType<typeof rowsFromLists>>(b: T, rows: number[]): T {
  const F = 6;
  return {
    ...b,
    length: rows.length,
    subjectIds: Float64Array.from(rows, (r) => b.subjectIds[r]),
    candidateIds: Float64Array.from(rows, (r) => b.candidateIds[r]),
    ranks: Int32Array.from(rows, (r) => b.ranks[r]),
    totals: Float64Array.from(rows, (r) => b.totals[r]),
    facetCents: Int16Array.from(rows.flatMap((r) => Array.from(b.facetCents.subarray(r * F, (r + 1) * F)))),
    runIds: Float64Array.from(rows, (r) => b.runIds[r]),
    computedAt: rows.map((r) => b.computedAt[r]),
  };
}
