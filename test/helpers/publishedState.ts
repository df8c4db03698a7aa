/** Runs a query and returns its rows: TestDatabase.exec, or a wrapped mysql2 connection. */
export type Exec = (sql: string, params?: unknown[]) => Promise<unknown>;

export interface PublishedState {
  /** SELECT DISTINCT run_id: one id for a consistent set, never a mix. */
  runIds: number[];
  rows: number;
  /** Over every column but computed_at: equal checksums mean the same rows. */
  checksum: string;
}

/** What match_results holds right now, compactly enough to compare before and after. */
export async function publishedState(exec: Exec): Promise<PublishedState> {
  const ids = (await exec('SELECT DISTINCT run_id AS id FROM match_results ORDER BY 1')) as { id: number }[];
  const [sum] = (await exec(
    `SELECT COUNT(*) AS n, COALESCE(SUM(CRC32(CONCAT_WS('|', direction, talent_user_id, job_posting_id, total_score,
            score_roles, score_skills, score_growth, score_career, score_vision, score_culture, run_id))), 0) AS c FROM match_results`,
  )) as { n: number; c: number | string }[];
  return { runIds: ids.map((r) => Number(r.id)), rows: Number(sum.n), checksum: String(sum.c) };
}

/** The newest match_runs row of a group: match (full or incremental runs) or backfill. */
export async function lastRun(exec: Exec, group: 'match' | 'backfill'): Promise<{ id: number; status: string; error: string | null } | undefined> {
  const kinds = group === 'match' ? ['full', 'incremental'] : ['backfill'];
  const rows = (await exec('SELECT id, status, error FROM match_runs WHERE kind IN (?) ORDER BY id DESC LIMIT 1', [kinds])) as { id: number; status: string; error: string | null }[];
  return rows[0] && { ...rows[0], id: Number(rows[0].id) };
}
