import { bigint, datetime, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { jobPostings, talentProfiles } from '../db/appTables.js';
import { contentHash, createdAt, embeddingSource, float32Blob, updatedAt } from './columns.js';

/** Columns shared by talent_embeddings and job_embeddings: one vector and one content hash per facet. */
const embeddingColumns = () => ({
  vecRoles: float32Blob('vec_roles'),
  vecSkills: float32Blob('vec_skills'),
  vecGrowth: float32Blob('vec_growth'),
  vecCareer: float32Blob('vec_career'),
  vecVision: float32Blob('vec_vision'),
  vecCulture: float32Blob('vec_culture'),
  hashRoles: contentHash('hash_roles'),
  hashSkills: contentHash('hash_skills'),
  hashGrowth: contentHash('hash_growth'),
  hashCareer: contentHash('hash_career'),
  hashVision: contentHash('hash_vision'),
  hashCulture: contentHash('hash_culture'),
  model: varchar('model', { length: 128 }).notNull(),
  source: embeddingSource('source').notNull(),
  /** matching_vectors.id (source=matching_vectors); NULL for text. */
  sourceRowId: bigint('source_row_id', { mode: 'number' }),
  /** The source row's updated_at, for incremental runs. */
  sourceUpdatedAt: datetime('source_updated_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const talentEmbeddings = mysqlTable('talent_embeddings', {
  talentUserId: bigint('talent_user_id', { mode: 'number' })
    .primaryKey()
    .references(() => talentProfiles.userId, { onDelete: 'cascade' }),
  ...embeddingColumns(),
});

export const jobEmbeddings = mysqlTable('job_embeddings', {
  jobPostingId: bigint('job_posting_id', { mode: 'number' })
    .primaryKey()
    .references(() => jobPostings.id, { onDelete: 'cascade' }),
  ...embeddingColumns(),
});
