import type { Db } from '../db/connect.js';
import type { Logger } from '../log.js';
import { SEED_EMAIL_LIKE } from './safety.js';

/** Child tables whose FK to users has no ON DELETE CASCADE: delete their seed rows first. */
const USER_CHILDREN = ['experiences', 'educations', 'activities', 'certifications', 'documents', 'talent_profiles'];
const CHUNK = 2000;

/**
 * Deletes every row the seed created, and nothing else: rows of users under the seed
 * domain. users' ON DELETE CASCADE removes companies, postings, cards, matching_vectors
 * and fitmatch's own embeddings and match_results for them. Chunked by user id so
 * undo logs stay small at 100k users.
 */
export async function deleteSeedData(db: Db, log: Logger): Promise<number> {
  const conn = await db.pool.getConnection();
  let deleted = 0;
  try {
    let after = 0;
    for (;;) {
      const [rows] = await conn.query(`SELECT id FROM users WHERE email LIKE ? AND id > ? ORDER BY id LIMIT ${CHUNK}`, [SEED_EMAIL_LIKE, after]);
      const ids = (rows as { id: number | string }[]).map((r) => Number(r.id));
      if (ids.length === 0) break;
      for (const t of USER_CHILDREN) await conn.query(`DELETE FROM \`${t}\` WHERE user_id IN (?)`, [ids]);
      await conn.query(`DELETE FROM users WHERE id IN (?)`, [ids]);
      deleted += ids.length;
      after = ids[ids.length - 1];
    }
  } finally {
    conn.release();
  }
  if (deleted) log.info(`--reset: deleted ${deleted} seed users and everything that belonged to them`);
  return deleted;
}
