import type { Db } from '../db/connect.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { shrinkRefusal } from '../shrinkGuard.js';
import type { EmbeddingTable } from '../store/embeddingTables.js';
import type { BackfillSummary } from './summary.js';
import { writeBatch } from '../store/writeEmbeddings.js';

/** Stored embeddings a complete pass found no longer backed by the source. */
export interface Removal {
  table: EmbeddingTable;
  gone: number[];
  stored: number;
}

export const plannedRemoval = (table: EmbeddingTable, stored: ReadonlyMap<number, unknown>, keep: Set<number>): Removal => ({
  table,
  gone: [...stored.keys()].filter((k) => !keep.has(k)),
  stored: stored.size,
});

/**
 * Deletes stored embeddings whose entity is no longer backed by the source
 * (vector row gone, talent/posting deleted or soft-deleted, no valid facet left),
 * in batches of 1000 keys each committed on its own. Removing most of what is
 * stored is what a wrong flag (--dim 1535) looks like: refused (exit 8) before
 * anything is deleted, unless allowShrink.
 */
export async function removeUnkept(db: Db, removals: Removal[], o: { dryRun: boolean; maxShrink: number; allowShrink: boolean }, s: BackfillSummary): Promise<void> {
  const size = (kind: 'talent' | 'job', after: boolean) =>
    removals.filter((r) => r.table.kind === kind).reduce((n, r) => n + r.stored - (after ? r.gone.length : 0), 0);
  const why = shrinkRefusal({ talents: size('talent', false), jobs: size('job', false) }, { talents: size('talent', true), jobs: size('job', true) }, o.maxShrink, 'with embeddings');
  if (why && !o.allowShrink && !o.dryRun) {
    throw new FitmatchError(
      `refusing to remove stored embeddings: ${why}. Nothing was removed; the rows this pass wrote stay. If the source really lost them, run again with --allow-shrink`,
      ExitCode.REFUSED,
    );
  }
  for (const r of removals) {
    s.entity[r.table.kind === 'talent' ? 'talents' : 'jobs'].removed += r.gone.length;
    if (o.dryRun) continue;
    for (let i = 0; i < r.gone.length; i += 1000) await writeBatch(db, r.table, { upserts: [], deletes: r.gone.slice(i, i + 1000) }, 0);
  }
}
