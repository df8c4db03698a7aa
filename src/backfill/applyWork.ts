import { createHash } from 'node:crypto';
import type { CommandContext } from '../context.js';
import { FACETS, FACET_COUNT } from '../facets.js';
import { createProgress } from '../progress.js';
import { packVectors } from '../vectors/packedVectors.js';
import { TABLES, type EntityKind, type StoredMeta } from '../store/embeddingTables.js';
import { parseFacet } from './parsePayload.js';
import type { Winner } from './planRows.js';
import { readPayloads, type SourcePayloadRow } from '../store/matchingVectors.js';
import { countReason, type BackfillSummary } from './summary.js';
import { timed } from './timed.js';
import { writeBatch, type BatchWrite } from '../store/writeEmbeddings.js';

export interface WorkItem extends Winner {
  stored?: StoredMeta;
}

export interface WorkOptions {
  full: boolean;
  dryRun: boolean;
  batchSize: number;
  statementBudget: number;
  model: string;
  dims: (number | null)[];
  readAhead?: number;
}

export const payloadHash = (p: string | null): string | null => (p === null ? null : createHash('sha256').update(p).digest('hex'));

/**
 * Streams the payloads of the entities to (re)compute in pages, keeping pages
 * read ahead and one batch write in flight, so reading, parsing and writing
 * overlap. Stops at a batch boundary when ctx.signal is aborted (s.interrupted).
 * Returns the work items whose source row vanished before it was read.
 */
export async function applyWork(
  work: WorkItem[],
  o: WorkOptions,
  ctx: CommandContext,
  s: BackfillSummary,
  keep: Record<EntityKind, Set<number>>,
): Promise<Map<number, WorkItem>> {
  const { db, log, signal } = ctx;
  const tm = s.timingsMs;
  const progress = createProgress(log, { task: 'backfill', total: work.length, unit: 'rows' });
  const byRow = new Map(work.map((w) => [w.rowId, w]));
  const fetch = (i: number) => {
    const p = readPayloads(db, work.slice(i, i + o.batchSize).map((w) => w.rowId));
    p.catch(() => {}); // awaited below; this only stops an early rejection from counting as unhandled
    return p;
  };
  // Up to `readAhead` pages in flight (bounded memory: readAhead × batchSize payload rows).
  const ahead: Promise<SourcePayloadRow[]>[] = [];
  let nextStart = 0;
  const refill = () => {
    for (; ahead.length < Math.max(1, o.readAhead ?? 2) && nextStart < work.length; nextStart += o.batchSize) ahead.push(fetch(nextStart));
  };
  refill();
  let writing: Promise<void> = Promise.resolve();
  try {
    while (ahead.length) {
      const rows = await timed(tm, 'read', () => ahead.shift()!);
      refill();
      const t0 = performance.now();
      const batches: Record<EntityKind, BatchWrite> = { talent: { upserts: [], deletes: [], touches: [] }, job: { upserts: [], deletes: [], touches: [] } };
      for (const row of rows) {
        const w = byRow.get(row.id)!;
        byRow.delete(row.id);
        planEntity(w, row, o, s, batches[w.kind], keep[w.kind]);
      }
      tm.parse = (tm.parse ?? 0) + Math.round(performance.now() - t0);
      if (!o.dryRun) {
        await timed(tm, 'writeWait', () => writing);
        writing = timed(tm, 'write', async () => {
          await writeBatch(db, TABLES.talent, batches.talent, o.statementBudget);
          await writeBatch(db, TABLES.job, batches.job, o.statementBudget);
        });
        writing.catch(() => {});
      }
      progress.tick(rows.length, { inserted: s.entity.talents.inserted + s.entity.jobs.inserted, updated: s.entity.talents.updated + s.entity.jobs.updated });
      if (signal.aborted) {
        s.interrupted = true;
        break;
      }
    }
    await timed(tm, 'writeWait', () => writing);
  } finally {
    await writing.catch(() => {});
    progress.stop();
  }
  return byRow;
}

function planEntity(w: WorkItem, row: SourcePayloadRow, o: WorkOptions, s: BackfillSummary, out: BatchWrite, keep: Set<number>): void {
  const counts = s.entity[w.kind === 'talent' ? 'talents' : 'jobs'];
  const hashes = row.payloads.map(payloadHash);
  const st = w.stored;
  if (!o.full && st && st.source === 'matching_vectors' && st.model === o.model && hashes.every((h, f) => h === st.hashes[f])) {
    // Same bytes, same dims: the stored vectors are still right, only the source pointer moved.
    out.touches!.push({ key: w.key, sourceRowId: row.id, sourceUpdatedAt: row.updatedAt });
    counts.touched++;
    keep.add(w.key);
    return;
  }
  const vecs: (Float32Array | null)[] = new Array(FACET_COUNT).fill(null);
  let valid = 0;
  for (let f = 0; f < FACET_COUNT; f++) {
    const r = parseFacet(row.payloads[f], o.dims[f] ?? null);
    if (r.ok) {
      vecs[f] = r.vector;
      valid++;
    } else if (r.reason !== 'missing') countReason(s.facetSkips, r.reason, `${w.kind} ${w.key}/${FACETS[f]}`);
  }
  if (valid === 0) {
    // Not kept: a stored row goes with the removals after the complete pass, where the shrink guard sees it.
    countReason(s.rowSkips, 'no_valid_facet', row.id);
    return;
  }
  vecs.forEach((v, f) => v && s.facetsWritten[FACETS[f]]++);
  out.upserts.push({ key: w.key, vectors: packVectors(vecs), hashes, model: o.model, source: 'matching_vectors', sourceRowId: row.id, sourceUpdatedAt: row.updatedAt });
  if (st) counts.updated++;
  else counts.inserted++;
  keep.add(w.key);
}
