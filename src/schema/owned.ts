/** Tables fitmatch may create, alter or drop: drizzle-kit's tablesFilter and the drift check use this list. */
export const OWNED_TABLES = ['talent_embeddings', 'job_embeddings', 'match_results', 'match_runs', 'match_run_blocks', 'match_run_parts', 'match_published', 'match_lists', 'matching_vector_lengths'] as const;
/** fitmatch's migration journal table, created by the migrator itself. */
export const MIGRATIONS_TABLE = 'fitmatch_migrations';
