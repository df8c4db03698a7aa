import { bigint, datetime, int, mysqlTable } from 'drizzle-orm/mysql-core';

const length = (name: string) => int(name, { unsigned: true });

/**
 * The list length of each facet of each matching_vectors row, as of that row's
 * updated_at: what the backfill's dimension decision needs, kept so a backfill
 * reads only the rows that changed (docs/backfill.md). No FK to the
 * app's table: rows that leave it are removed here by the backfill that sees them go.
 */
export const matchingVectorLengths = mysqlTable('matching_vector_lengths', {
  /** matching_vectors.id */
  rowId: bigint('row_id', { mode: 'number' }).primaryKey(),
  /** matching_vectors.updated_at when the lengths were read: a different value means read again. */
  sourceUpdatedAt: datetime('source_updated_at').notNull(),
  /** NULL: no list in the payload (missing, or another shape); 0: an empty list. */
  lenRoles: length('len_roles'),
  lenSkills: length('len_skills'),
  lenGrowth: length('len_growth'),
  lenCareer: length('len_career'),
  lenVision: length('len_vision'),
  lenCulture: length('len_culture'),
});
