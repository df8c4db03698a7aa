import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import { SEED_EMAIL_DOMAIN } from './genState.js';

/** Database names the seed refuses without --force: prod, production or live as a word (fitconnect_prod, live-db). */
export const PRODUCTION_NAME = /(^|[^a-z])(prod|production|live)([^a-z]|$)/i;

export const SEED_EMAIL_LIKE = `%@${SEED_EMAIL_DOMAIN}`;

export interface TargetState {
  seedUsers: number;
  foreignUsers: number;
  looksLikeProduction: boolean;
}

/**
 * What the target database holds. A users row is seed data exactly when its email is
 * under the reserved seed domain; every other app row hangs off a users row, so
 * "foreign users = 0" means the database holds nothing the seed did not create.
 */
export async function inspectTarget(db: Db): Promise<TargetState> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    `SELECT COALESCE(SUM(email LIKE ?), 0) AS seed, COALESCE(SUM(email NOT LIKE ?), 0) AS foreign_ FROM users`,
    [SEED_EMAIL_LIKE, SEED_EMAIL_LIKE],
  );
  return {
    seedUsers: Number(rows[0].seed),
    foreignUsers: Number(rows[0].foreign_),
    looksLikeProduction: PRODUCTION_NAME.test(db.settings.database),
  };
}

/** Why the seed must not write here without --force, or null when it may. */
export function refusal(t: TargetState, database: string): string | null {
  if (t.looksLikeProduction) return `the database name "${database}" looks like production`;
  if (t.foreignUsers > 0) return `the database holds ${t.foreignUsers} users the seed did not create (seed users have emails @${SEED_EMAIL_DOMAIN})`;
  return null;
}
