import type { Db } from '../db/connect.js';
import type { EmbeddingTable, StoredMeta } from './embeddingTables.js';
import type { BackfillSummary } from './summary.js';
import { writeBatch } from './writeEmbeddings.js';

/**
 * Deletes stored embeddings whose entity is no longer backed by the source
 * (vector row gone, talent/posting deleted or soft-deleted, no valid facet left),
 * in batches of 1000 keys each committed on its own.
 */
export async function removeUnkept(db: Db, t: EmbeddingTable, stored: Map<number, StoredMeta>, keep: Set<number>, dryRun: boolean, s: BackfillSummary): Promise<void> {
  const gone = [...stored.keys()].filter((k) => !keep.has(k));
  s.entity[t.kind === 'talent' ? 'talents' : 'jobs'].removed += gone.length;
  if (dryRun) return;
  for (let i = 0; i < gone.length; i += 1000) await writeBatch(db, t, { upserts: [], deletes: gone.slice(i, i + 1000) }, 0);
}
