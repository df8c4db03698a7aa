import { defineConfig } from 'drizzle-kit';
import { OWNED_TABLES } from './src/schema/owned.js';

// Only `generate` is used: push/pull crash on MariaDB (drizzle-orm #5550) and
// report false drift, so drift detection is fitmatch's own (src/migrate/).
export default defineConfig({
  dialect: 'mysql',
  schema: ['./src/schema/embeddings.ts', './src/schema/matchResults.ts', './src/schema/matchRuns.ts', './src/schema/runModel.ts', './src/schema/matchingVectorLengths.ts'],
  out: './drizzle',
  tablesFilter: [...OWNED_TABLES],
  dbCredentials: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/fitconnect' },
});
