import { bigint, char, datetime, mysqlTable, tinyint, varchar } from 'drizzle-orm/mysql-core';
import { jobPostings, talentProfiles } from '../db/appTables.js';
import { contentHash, createdAt, embeddingSource, mediumBlob, updatedAt } from './columns.js';

/** Columns shared by talent_embeddings and job_embeddings: the packed facet vectors and one source hash per facet. */
const embeddingColumns = () => ({
  /** Present facets' unit vectors, float32 LE, concatenated in facet order (src/vectors/packedVectors.ts). */
  vectors: mediumBlob('vectors').notNull(),
  /** Bit f set when facet f is present (src/facets.ts order). */
  facetMask: tinyint('facet_mask', { unsigned: true }).notNull(),
  /** Each facet's length, "1536,1536,0,1536,1536,1536" (0 = absent). */
  facetDims: varchar('facet_dims', { length: 64 }).notNull(),
  /** Version stamp of vectors + layout: incremental runs and caches compare it. */
  vectorsHash: char('vectors_hash', { length: 16 }).notNull(),
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
