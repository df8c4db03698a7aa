import { exec, existingTables, rows, row, tableExists, type Pool, type PoolConnection, type Queryable } from './sql.js';
import { ExitCode, FitmatchError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { abortableSleep } from '../shutdown.js';

export const LIVE = 'match_results';
export const PREVIOUS = 'match_results_previous';
/**
 * A published set is match_results plus the two tables describing it: they are
 * always renamed together, so readers never see them disagree.
 */
export const SET_TABLES = [LIVE, 'match_lists', 'match_published'] as const;
type SetTable = (typeof SET_TABLES)[number];

/**
 * A run stages into tables named after it, so a process of an abandoned run
 * that is still alive can never write into another run's set.
 */
export const staging = (table: SetTable, runId: number): string => `${table}_r${runId}`;
/** Every name a set table can take besides its live one (for cleanup and `migrate --check`). */
export const PUBLISHER_TABLE = /^match_(results|lists|published)_(previous|retired|swap|r\d+)$/;

/** Whether match_results (or `table`) holds any row, as the caller's transaction sees it. */
export async function hasRows(q: Queryable, table: string = LIVE): Promise<boolean> {
  return (await rows(q, `SELECT 1 FROM ${table} LIMIT 1`)).length > 0;
}

export { tableExists };

/** Secondary indexes of a table as "ADD [UNIQUE] INDEX name (cols)" clauses, from information_schema. */
async function secondaryIndexes(q: Queryable, table: string): Promise<{ name: string; add: string }[]> {
  const found = await rows<{ name: string; nu: number | string; col: string; dir: string | null }>(
    q,
    `SELECT index_name AS name, non_unique AS nu, column_name AS col, collation AS dir FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index`,
    [table],
  );
  const byName = new Map<string, { unique: boolean; cols: string[] }>();
  for (const r of found) {
    const e = byName.get(r.name) ?? { unique: Number(r.nu) === 0, cols: [] };
    // 'D': a descending key part (contract v2's order index; MySQL 8, MariaDB >= 10.8).
    e.cols.push(`\`${r.col}\`${r.dir === 'D' ? ' DESC' : ''}`);
    byName.set(r.name, e);
  }
  return [...byName].map(([name, e]) => ({ name, add: `ADD ${e.unique ? 'UNIQUE ' : ''}INDEX \`${name}\` (${e.cols.join(', ')})` }));
}

/**
 * A run's empty staging tables, with the live tables' columns and primary keys.
 * Secondary indexes and foreign keys come after the bulk load (finishStaging):
 * building an index by sort is about twice as fast as maintaining it row by row.
 * Idempotent: a retried or resumed run keeps what is already staged.
 */
export async function createStaging(pool: Pool, runId: number): Promise<void> {
  for (const t of SET_TABLES) await exec(pool, `CREATE TABLE IF NOT EXISTS ${staging(t, runId)} LIKE ${t}`);
  const indexes = await secondaryIndexes(pool, staging(LIVE, runId));
  if (indexes.length) await exec(pool, `ALTER TABLE ${staging(LIVE, runId)} ${indexes.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
}

export async function dropStaging(q: Queryable, runId: number): Promise<void> {
  await exec(q, `DROP TABLE IF EXISTS ${SET_TABLES.map((t) => staging(t, runId)).join(', ')}`);
}

/** Deletes a block's rows from staging: what a crashed attempt at that block may have left. */
export async function clearStagedTalents(pool: Pool, runId: number, firstId: number, lastId: number): Promise<void> {
  await exec(pool, `DELETE FROM ${staging(LIVE, runId)} WHERE direction = 'talent_to_job' AND talent_user_id BETWEEN ? AND ?`, [firstId, lastId]);
  await exec(pool, `DELETE FROM ${staging('match_lists', runId)} WHERE direction = 'talent_to_job' AND subject_id BETWEEN ? AND ?`, [firstId, lastId]);
}

/**
 * Adds match_results' secondary indexes and the two foreign keys to the loaded
 * staging table. CREATE TABLE ... LIKE copies no foreign keys; FK names are
 * schema-wide and survive RENAME, hence the run-id suffix. The FKs are added with
 * foreign_key_checks=0 (otherwise MySQL rebuilds the whole table to validate);
 * integrity is kept by deleting rows of talents/postings deleted since the run's
 * snapshot, after the FKs exist (later deletes cascade).
 */
export async function finishStaging(conn: PoolConnection, runId: number, talentIds: Float64Array, jobIds: Float64Array): Promise<number> {
  const table = staging(LIVE, runId);
  const indexes = await secondaryIndexes(conn, LIVE);
  // One ALTER adds them all: a repeat after a crash finds them there already.
  if ((await secondaryIndexes(conn, table)).length === 0) await addIndexesAndKeys(conn, table, runId, indexes);
  return (
    (await deleteVanished(conn, table, runId, talentIds, 'users', 'talent_user_id', 'talent_to_job')) +
    (await deleteVanished(conn, table, runId, jobIds, 'job_postings', 'job_posting_id', 'job_to_talent'))
  );
}

async function addIndexesAndKeys(conn: PoolConnection, table: string, runId: number, indexes: { add: string }[]): Promise<void> {
  await exec(conn, 'SET SESSION foreign_key_checks = 0');
  try {
    await exec(conn, 
      `ALTER TABLE ${table} ${[
        ...indexes.map((i) => i.add),
        `ADD CONSTRAINT fk_mr_talent_r${runId} FOREIGN KEY (talent_user_id) REFERENCES users (id) ON DELETE CASCADE`,
        `ADD CONSTRAINT fk_mr_job_r${runId} FOREIGN KEY (job_posting_id) REFERENCES job_postings (id) ON DELETE CASCADE`,
      ].join(', ')}`,
    );
  } finally {
    await exec(conn, 'SET SESSION foreign_key_checks = 1');
  }
}

async function deleteVanished(conn: PoolConnection, table: string, runId: number, ids: Float64Array, parent: string, column: string, direction: string): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += 10_000) {
    const chunk = Array.from(ids.subarray(i, i + 10_000));
    const found = await rows<{ id: number }>(conn, `SELECT id FROM ${parent} WHERE id IN (?)`, [chunk]);
    if (found.length === chunk.length) continue;
    const present = new Set(found.map((r) => Number(r.id)));
    const gone = chunk.filter((id) => !present.has(id));
    deleted += (await exec(conn, `DELETE FROM ${table} WHERE ${column} IN (?)`, [gone])).affectedRows;
    await exec(conn, `DELETE FROM ${staging('match_lists', runId)} WHERE direction = ? AND subject_id IN (?)`, [direction, gone]);
  }
  return deleted;
}

/** match_published's row: what the app reads to know which run it serves, with which weights and k. */
export interface PublishedState {
  runId: number;
  baseRunId: number;
  topK: number;
  /** Candidates beyond topK kept in match_lists; -1 when the set has no exact lists. */
  reserve: number;
  weights: readonly number[];
}

const WEIGHT_COLUMNS = 'weight_roles, weight_skills, weight_growth, weight_career, weight_vision, weight_culture';

/** Replaces the one row of `table` (match_published or a staged copy of it); published_at is now unless given (a rollback restores it). */
export async function writePublishedState(q: Queryable, table: string, s: PublishedState & { publishedAt?: Date }): Promise<void> {
  await exec(q, `DELETE FROM ${table}`);
  await exec(q, `INSERT INTO ${table} (id, run_id, base_run_id, published_at, top_k, reserve, ${WEIGHT_COLUMNS}) VALUES (1, ?, ?, COALESCE(?, CURRENT_TIMESTAMP(3)), ?, ?, ?, ?, ?, ?, ?, ?)`, [
    s.runId,
    s.baseRunId,
    s.publishedAt ?? null,
    s.topK,
    s.reserve,
    ...s.weights,
  ]);
}

export async function readPublishedState(q: Queryable, table = 'match_published'): Promise<(PublishedState & { publishedAt: Date }) | null> {
  const r = await row<Record<string, unknown> & { published_at: Date }>(q, `SELECT run_id, base_run_id, published_at, top_k, reserve, ${WEIGHT_COLUMNS} FROM ${table} WHERE id = 1`);
  if (!r) return null;
  return {
    runId: Number(r.run_id),
    baseRunId: Number(r.base_run_id),
    publishedAt: r.published_at,
    topK: Number(r.top_k),
    reserve: Number(r.reserve),
    weights: WEIGHT_COLUMNS.split(', ').map((c) => Number(r[c])),
  };
}

export interface RenameOptions {
  /** Seconds the RENAME may wait for readers' metadata locks before giving up one attempt. */
  lockWaitSeconds: number;
  attempts: number;
  log: Logger;
  /**
   * A stop request ends a RENAME that waits on a reader's metadata lock at once
   * (KILL QUERY from another connection of `pool`), and is honoured between
   * attempts too: nothing is published after it.
   */
  signal: AbortSignal;
  /** Where the connection that stops a waiting RENAME comes from. */
  pool: Queryable;
}

/**
 * Runs one atomic multi-table RENAME with a short lock_wait_timeout: an open
 * transaction that read match_results holds a metadata lock, and a RENAME
 * waiting behind it would stall every new reader. Retries with backoff.
 */
async function renameAtomically(conn: PoolConnection, renames: [string, string][], what: string, o: RenameOptions): Promise<void> {
  await exec(conn, 'SET SESSION lock_wait_timeout = ?', [o.lockWaitSeconds]);
  const sql = `RENAME TABLE ${renames.map(([a, b]) => `${a} TO ${b}`).join(', ')}`;
  const waiting = Number((await row<{ id: number }>(conn, 'SELECT CONNECTION_ID() AS id'))!.id);
  // KILL QUERY interrupts the statement only; the connection, and the match lock it holds, stay.
  const stopWaiting = () => void exec(o.pool, `KILL QUERY ${waiting}`).catch(() => undefined);
  for (let attempt = 1; ; attempt++) {
    o.signal.throwIfAborted();
    o.signal.addEventListener('abort', stopWaiting, { once: true });
    try {
      await exec(conn, sql);
      return;
    } catch (e) {
      // Killed by stopWaiting (or a timeout that raced the stop): the RENAME did not happen.
      if (o.signal.aborted) throw o.signal.reason;
      if ((e as { code?: string }).code !== 'ER_LOCK_WAIT_TIMEOUT') throw e;
      if (attempt >= o.attempts) {
        throw new FitmatchError(
          `${what}: ${LIVE} stayed locked by another session's open transaction through ${attempt} attempts of ${o.lockWaitSeconds}s; nothing was changed`,
          ExitCode.FAILED,
          { cause: e },
        );
      }
      const delay = 250 * 2 ** (attempt - 1);
      o.log.warn(`${what}: ${LIVE} is locked by an open transaction (attempt ${attempt}/${o.attempts}); retrying in ${delay} ms`);
      await abortableSleep(delay, o.signal);
    } finally {
      o.signal.removeEventListener('abort', stopWaiting);
    }
  }
}

/**
 * staged -> live, live -> previous, previous -> dropped, for the whole set, in
 * one RENAME: readers see the old set or the new one, nothing in between. Run it
 * on the connection that holds the match lock, right after checking the lock.
 */
export async function publishStaging(conn: PoolConnection, runId: number, o: RenameOptions): Promise<void> {
  const renames: [string, string][] = [];
  const retired: string[] = [];
  for (const t of SET_TABLES) {
    if (await tableExists(conn, `${t}_previous`)) {
      renames.push([`${t}_previous`, `${t}_retired`]);
      retired.push(`${t}_retired`);
    }
    renames.push([t, `${t}_previous`], [staging(t, runId), t]);
  }
  await exec(conn, `DROP TABLE IF EXISTS ${SET_TABLES.map((t) => `${t}_retired`).join(', ')}`);
  await renameAtomically(conn, renames, 'publish', o);
  if (!retired.length) return;
  try {
    await exec(conn, `DROP TABLE IF EXISTS ${retired.join(', ')}`);
  } catch (e) {
    // Published already; a reader still holding a retired table only delays its cleanup to the next run.
    o.log.warn(`published, but could not drop ${retired.join(', ')} yet (${messageOf(e)}); the next run drops them`);
  }
}

/**
 * live <-> previous for the whole set in one RENAME (through temporary names). A
 * previous set published before match_published existed gets an empty one, so the
 * restored set says "unknown" rather than describing the other run.
 */
export async function swapWithPrevious(conn: PoolConnection, o: RenameOptions): Promise<void> {
  await exec(conn, `DROP TABLE IF EXISTS ${SET_TABLES.map((t) => `${t}_swap`).join(', ')}`);
  const renames: [string, string][] = [];
  for (const t of SET_TABLES) {
    if (!(await tableExists(conn, `${t}_previous`))) await exec(conn, `CREATE TABLE ${t}_previous LIKE ${t}`);
    renames.push([t, `${t}_swap`], [`${t}_previous`, t], [`${t}_swap`, `${t}_previous`]);
  }
  await renameAtomically(conn, renames, 'rollback', o);
}

/** Subjects with at least one row in each direction of a result table. */
export async function setSizes(q: Queryable, table: string): Promise<{ talents: number; jobs: number; talentsWithMatch: number; jobsWithMatch: number }> {
  const r = (await row<{ t: number; j: number }>(
    q,
    `SELECT (SELECT COUNT(DISTINCT talent_user_id) FROM ${table} WHERE direction = 'talent_to_job') AS t,
            (SELECT COUNT(DISTINCT job_posting_id) FROM ${table} WHERE direction = 'job_to_talent') AS j`,
  ))!;
  return { talents: Number(r.t), jobs: Number(r.j), talentsWithMatch: Number(r.t), jobsWithMatch: Number(r.j) };
}

/** Deletes what a crashed merge may have staged of the job side (rows and lists). */
export async function clearStagedJobSide(q: Queryable, runId: number): Promise<void> {
  await exec(q, `DELETE FROM ${staging(LIVE, runId)} WHERE direction = 'job_to_talent'`);
  await exec(q, `DELETE FROM ${staging('match_lists', runId)} WHERE direction = 'job_to_talent'`);
}

/** Rows of match_results per direction. */
export async function publishedRowCounts(q: Queryable): Promise<{ talentToJob: number; jobToTalent: number }> {
  const found = await rows<{ direction: string; n: number }>(q, `SELECT direction, COUNT(*) AS n FROM ${LIVE} GROUP BY direction`);
  const n = (d: string) => Number(found.find((r) => r.direction === d)?.n ?? 0);
  return { talentToJob: n('talent_to_job'), jobToTalent: n('job_to_talent') };
}

export async function dropTables(q: Queryable, names: readonly string[]): Promise<void> {
  if (names.length) await exec(q, `DROP TABLE IF EXISTS ${names.join(', ')}`);
}

/**
 * Staging tables (match_*_r<id>) whose run is not among `live()`: left by a run row deleted by hand, or a
 * copied database. The tables are listed first: a run created in between is then live, never an orphan.
 */
export async function stagingTablesNotOf(q: Queryable, liveRuns: () => Promise<ReadonlySet<number>>): Promise<string[]> {
  const tables = await existingTables(q);
  const live = await liveRuns();
  return [...tables].filter((n) => /_r\d+$/.test(n) && PUBLISHER_TABLE.test(n) && !live.has(Number(n.slice(n.lastIndexOf('_r') + 2))));
}
