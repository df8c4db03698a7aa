import type { CommandContext } from '../context.js';
import { FACETS } from '../facets.js';
import { TABLES, readStoredMeta, type EntityKind } from '../store/embeddingTables.js';
import { applyWork, type WorkItem } from './applyWork.js';
import { inferDims } from './inferDims.js';
import { classifyRow, offerWinner, type Winner } from './planRows.js';
import { readLengthHistograms, readMetaPage, sourceFingerprint } from '../store/matchingVectors.js';
import { cachedDims } from '../store/cachedDims.js';
import { plannedRemoval, removeUnkept } from './removeUnkept.js';
import { countReason, type BackfillSummary } from './summary.js';
import { timed } from './timed.js';

export interface ImportOptions {
  full: boolean;
  dryRun: boolean;
  maxShrink: number;
  allowShrink: boolean;
  dim?: number;
  /** Source rows per payload page / write batch. */
  batchSize: number;
  statementBudget: number;
  /** Concurrent server-side streams for the dimension scan and payload reads. */
  streams?: number;
}

/** Source 1: matching_vectors -> talent_embeddings / job_embeddings. Returns what the run record keeps for the next run. */
export async function importMatchingVectors(opts: ImportOptions, ctx: CommandContext, s: BackfillSummary): Promise<{ fingerprint: string; dimList: (number | null)[] }> {
  const { db, log, signal } = ctx;
  const tm = s.timingsMs;
  const fingerprint = await timed(tm, 'fingerprint', () => sourceFingerprint(db));
  let dimList = opts.dim !== undefined ? FACETS.map(() => opts.dim!) : opts.full ? null : await cachedDims(db, fingerprint, null);
  if (!dimList) dimList = inferDims(await timed(tm, 'inferDims', () => readLengthHistograms(db, { streams: opts.streams, signal })));
  FACETS.forEach((f, i) => (s.dims[f] = dimList![i]));
  const model = `matching_vectors:${dimList.map((d) => d ?? 0).join(',')}`;
  s.model = model;
  log.info(`facet dimensions: ${FACETS.map((f, i) => `${f}=${dimList![i] ?? 'none'}`).join(' ')}${opts.dim !== undefined ? ' (--dim)' : ''}`);

  const winners: Record<EntityKind, Map<number, Winner>> = { talent: new Map(), job: new Map() };
  await timed(tm, 'scan', async () => {
    for (let after = 0; ; ) {
      const page = await readMetaPage(db, after, 5000);
      if (page.length === 0) break;
      for (const r of page) {
        const c = classifyRow(r);
        if ('skip' in c) {
          countReason(s.rowSkips, c.skip, r.id);
          continue;
        }
        const loser = offerWinner(winners[c.kind], { kind: c.kind, key: c.key, rowId: r.id, updatedAt: r.updatedAt });
        if (loser !== null) countReason(s.rowSkips, 'superseded_duplicate', loser);
      }
      after = page[page.length - 1].id;
    }
  });

  const stored = await timed(tm, 'stored', async () => ({ talent: await readStoredMeta(db, TABLES.talent), job: await readStoredMeta(db, TABLES.job) }));
  const keep = { talent: new Set<number>(), job: new Set<number>() };
  const work: WorkItem[] = [];
  for (const kind of ['talent', 'job'] as const) {
    for (const w of winners[kind].values()) {
      const st = stored[kind].get(w.key);
      const same = st && st.source === 'matching_vectors' && st.model === model && st.sourceRowId === w.rowId && st.sourceUpdatedAt === w.updatedAt.getTime();
      if (!opts.full && same) {
        s.entity[kind === 'talent' ? 'talents' : 'jobs'].unchanged++;
        keep[kind].add(w.key);
      } else work.push({ ...w, stored: st });
    }
    winners[kind].clear();
  }
  work.sort((a, b) => a.rowId - b.rowId);
  // Entities whose newest row had no valid facet have no stored row, so they are re-checked (not rewritten) every run.
  log.info(`${work.length} entit${work.length === 1 ? 'y' : 'ies'} to check (new, changed, or without a stored row)`);

  const byRow = await applyWork(work, { ...opts, model, dims: dimList, readAhead: opts.streams }, ctx, s, keep);
  // Rows that vanished between scan and fetch are simply not kept: the next run sees them gone.
  for (const w of byRow.values()) if (w.stored) keep[w.kind].add(w.key);
  if (!s.interrupted) {
    await timed(tm, 'remove', async () => {
      const removals = (['talent', 'job'] as const).map((kind) => plannedRemoval(TABLES[kind], stored[kind], keep[kind]));
      await removeUnkept(db, removals, opts, s);
    });
  }
  return { fingerprint, dimList };
}
