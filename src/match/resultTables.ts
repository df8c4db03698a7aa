import type { Pool, PoolConnection } from 'mysql2/promise';
import { ExitCode, FitmatchError } from '../errors.js';
import type { Logger } from '../log.js';

export const LIVE = 'match_results';
export const NEXT = 'match_results_next';
export const PREVIOUS = 'match_results_previous';
/**
 * A published set is match_results plus the two tables describing it: they are
 * always renamed together, so readers never see them disagree. The `_retired`
 * and `_swap` names are transient inside one RENAME; a crash can leave one
 * behind, cleaned at the next run.
 */
const SET_TABLES = [LIVE, 'match_lists', 'match_published'] as const;
const suffixed = (suffix: string) => SET_TABLES.map((t) => `${t}_${suffix}`);

/** match_published's row for a run: what the app reads to know which run it serves and with which weights. */
export interface PublishedState {
  runId: number;
  baseRunId: number;
  topK: number;
  /** Candidates beyond topK kept in match_lists; -1 when the set has no exact lists. */
  reserve: number;
  weights: readonly number[];
}

export async function tableExists(q: Pool | PoolConnection, name: string): Promise<boolean> {
  const [rows] = await q.query('SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name]);
  return (rows as unknown[]).length > 0;
}

/** Secondary indexes of a table as "ADD [UNIQUE] INDEX name (cols)" clauses, from information_schema. */
async function secondaryIndexes(pool: Pool, table: string): Promise<{ name: string; add: string }[]> {
  const [rows] = await pool.query(
    `SELECT index_name AS name, non_unique AS nu, column_name AS col FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index`,
    [table],
  );
  const byName = new Map<string, { unique: boolean; cols: string[] }>();
  for (const r of rows as { name: string; nu: number | string; col: string }[]) {
    const e = byName.get(r.name) ?? { unique: Number(r.nu) === 0, cols: [] };
    e.cols.push(`\`${r.col}\``);
    byName.set(r.name, e);
  }
  return [...byName].map(([name, e]) => ({ name, add: `ADD ${e.unique ? 'UNIQUE ' : ''}INDEX \`${name}\` (${e.cols.join(', ')})` }));
}

/**
 * A fresh, empty match_results_next with match_results' columns and primary key.
 * Secondary indexes and foreign keys come after the bulk load (finishNextTable):
 * building an index by sort is about twice as fast as maintaining it row by row.
 */
export async function createNextTable(pool: Pool): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS ${[...suffixed('next'), ...suffixed('retired')].join(', ')}`);
  for (const t of SET_TABLES) await pool.query(`CREATE TABLE ${t}_next LIKE ${t}`);
  const indexes = await secondaryIndexes(pool, NEXT);
  if (indexes.length) await pool.query(`ALTER TABLE ${NEXT} ${indexes.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
}

/**
 * Adds match_results' secondary indexes and the two foreign keys to the loaded
 * table. CREATE TABLE ... LIKE copies no foreign keys; FK names are schema-wide
 * and survive RENAME, hence the run-id suffix. The FKs are added with
 * foreign_key_checks=0 (otherwise MySQL rebuilds the whole table to validate);
 * integrity is kept by deleting rows of talents/postings deleted since they were
 * read, after the FKs exist (later deletes cascade).
 */
export async function finishNextTable(conn: PoolConnection, pool: Pool, runId: number, talentIds: Float64Array, jobIds: Float64Array): Promise<number> {
  const indexes = await secondaryIndexes(pool, LIVE);
  await conn.query('SET SESSION foreign_key_checks = 0');
  try {
    await conn.query(
      `ALTER TABLE ${NEXT} ${[
        ...indexes.map((i) => i.add),
        `ADD CONSTRAINT fk_mr_talent_r${runId} FOREIGN KEY (talent_user_id) REFERENCES users (id) ON DELETE CASCADE`,
        `ADD CONSTRAINT fk_mr_job_r${runId} FOREIGN KEY (job_posting_id) REFERENCES job_postings (id) ON DELETE CASCADE`,
      ].join(', ')}`,
    );
  } finally {
    await conn.query('SET SESSION foreign_key_checks = 1');
  }
  return (await deleteVanished(conn, talentIds, 'users', 'talent_user_id')) + (await deleteVanished(conn, jobIds, 'job_postings', 'job_posting_id'));
}

async function deleteVanished(conn: PoolConnection, ids: Float64Array, parent: string, column: string): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += 10_000) {
    const chunk = Array.from(ids.subarray(i, i + 10_000));
    const [rows] = await conn.query(`SELECT id FROM ${parent} WHERE id IN (?)`, [chunk]);
    if ((rows as unknown[]).length === chunk.length) continue;
    const present = new Set((rows as { id: number }[]).map((r) => Number(r.id)));
    const gone = chunk.filter((id) => !present.has(id));
    const [res] = await conn.query(`DELETE FROM ${NEXT} WHERE ${column} IN (?)`, [gone]);
    deleted += (res as { affectedRows: number }).affectedRows;
  }
  return deleted;
}

export async function dropNextTable(pool: Pool): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS ${suffixed('next').join(', ')}`);
}

export interface RenameOptions {
  /** Seconds the RENAME may wait for readers' metadata locks before giving up one attempt. */
  lockWaitSeconds: number;
  attempts: number;
  log: Logger;
}

/**
 * Runs one atomic multi-table RENAME with a short lock_wait_timeout: an open
 * transaction that read match_results holds a metadata lock, and a RENAME
 * waiting behind it would stall every new reader. Retries with backoff.
 */
async function renameAtomically(conn: PoolConnection, renames: [string, string][], what: string, o: RenameOptions): Promise<void> {
  await conn.query('SET SESSION lock_wait_timeout = ?', [o.lockWaitSeconds]);
  const sql = `RENAME TABLE ${renames.map(([a, b]) => `${a} TO ${b}`).join(', ')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await conn.query(sql);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ER_LOCK_WAIT_TIMEOUT' || attempt >= o.attempts) {
        if ((e as { code?: string }).code === 'ER_LOCK_WAIT_TIMEOUT') {
          throw new FitmatchError(
            `${what}: ${LIVE} stayed locked by another session's open transaction through ${attempt} attempts of ${o.lockWaitSeconds}s; nothing was changed`,
            ExitCode.FAILED,
            { cause: e },
          );
        }
        throw e;
      }
      const delay = 250 * 2 ** (attempt - 1);
      o.log.warn(`${what}: ${LIVE} is locked by an open transaction (attempt ${attempt}/${o.attempts}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

const WEIGHT_COLUMNS = 'weight_roles, weight_skills, weight_growth, weight_career, weight_vision, weight_culture';

/** Replaces the one row of `table` (match_published or a copy of it). */
export async function writePublishedState(q: Pool | PoolConnection, table: string, s: PublishedState): Promise<void> {
  await q.query(`DELETE FROM ${table}`);
  await q.query(`INSERT INTO ${table} (id, run_id, base_run_id, published_at, top_k, reserve, ${WEIGHT_COLUMNS}) VALUES (1, ?, ?, CURRENT_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?)`, [
    s.runId,
    s.baseRunId,
    s.topK,
    s.reserve,
    ...s.weights,
  ]);
}

/** next -> live, live -> previous, previous -> dropped, for the whole set: readers see the old set or the new one, nothing in between. */
export async function publishNext(conn: PoolConnection, o: RenameOptions, state: PublishedState): Promise<void> {
  await writePublishedState(conn, 'match_published_next', state);
  const renames: [string, string][] = [];
  const retired: string[] = [];
  for (const t of SET_TABLES) {
    if (await tableExists(conn, `${t}_previous`)) {
      renames.push([`${t}_previous`, `${t}_retired`]);
      retired.push(`${t}_retired`);
    }
    renames.push([t, `${t}_previous`], [`${t}_next`, t]);
  }
  await renameAtomically(conn, renames, 'publish', o);
  if (!retired.length) return;
  try {
    await conn.query(`DROP TABLE IF EXISTS ${retired.join(', ')}`);
  } catch (e) {
    // Published already; a reader still holding a retired table only delays its cleanup to the next run.
    o.log.warn(`published, but could not drop ${retired.join(', ')} yet (${(e as Error).message}); the next run drops them`);
  }
}

/**
 * live <-> previous for the whole set in one RENAME (through temporary names). A
 * previous set published before match_published existed gets an empty one, so the
 * restored set says "unknown" rather than describing the other run.
 */
export async function swapWithPrevious(conn: PoolConnection, o: RenameOptions): Promise<void> {
  await conn.query(`DROP TABLE IF EXISTS ${suffixed('swap').join(', ')}`);
  const renames: [string, string][] = [];
  for (const t of SET_TABLES) {
    if (!(await tableExists(conn, `${t}_previous`))) await conn.query(`CREATE TABLE ${t}_previous LIKE ${t}`);
    renames.push([t, `${t}_swap`], [`${t}_previous`, t], [`${t}_swap`, `${t}_previous`]);
  }
  await renameAtomically(conn, renames, 'rollback', o);
}
