import type { CommandContext } from '../context.js';
import { FACETS } from '../facets.js';
import { TABLES, readStoredHashes, readStoredPointers, type EntityKind } from '../store/embeddingTables.js';
import { readMetaPage } from '../store/matchingVectors.js';
import { readRowLengths, writeRowLengths } from '../store/matchingVectorLengths.js';
import { writeBatch } from '../store/writeEmbeddings.js';
import { modelFor, outcomeKey, runPass, type EntityOutcome, type PassOptions, type WorkItem } from './applyWork.js';
import { inferDims } from '../vectors/inferDims.js';
import { planLengths } from './lengthPlan.js';
import { classifyRow, offerWinner, type Winner } from './planRows.js';
import { plannedRemoval, removeUnkept } from './removeUnkept.js';
import { countReason, type BackfillSummary } from './summary.js';
import { tallyOutcomes } from './tallyOutcomes.js';
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
  /** Payload pages read ahead. */
  streams?: number;
}

const formatDims = (dims: readonly (number | null)[]) => FACETS.map((f, i) => `${f}=${dims[i] ?? 'none'}`).join(' ');

/**
 * Source 1: matching_vectors -> talent_embeddings / job_embeddings, in time
 * proportional to the change. The facet dimensions are the most common list
 * lengths over every source row, known exactly from matching_vector_lengths plus
 * the rows that changed, so only new and changed rows are read. Returns the
 * dimensions decided.
 */
export async function importMatchingVectors(opts: ImportOptions, ctx: CommandContext, s: BackfillSummary): Promise<{ dimList: (number | null)[] }> {
  const { db, log } = ctx;
  const tm = s.timingsMs;

  const winners: Record<EntityKind, Map<number, Winner>> = { talent: new Map(), job: new Map() };
  const source = new Map<number, number>();
  await timed(tm, 'scan', async () => {
    for (let after = 0; ; ) {
      const page = await readMetaPage(db, after, 5000);
      if (page.length === 0) break;
      for (const r of page) {
        source.set(r.id, r.updatedAt.getTime());
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
  const recorded = await timed(tm, 'lengths', () => readRowLengths(db));
  const lengthPlan = planLengths(source, recorded, opts.full);
  source.clear();
  const stored = await timed(tm, 'stored', async () => ({ talent: await readStoredPointers(db, TABLES.talent), job: await readStoredPointers(db, TABLES.job) }));

  // Entities whose source row moved (or that have no stored row) are read; the dims they are stored under are checked once decided.
  const work = new Map<number, WorkItem>();
  const idle: WorkItem[] = [];
  for (const kind of ['talent', 'job'] as const) {
    for (const w of winners[kind].values()) {
      const st = stored[kind].get(w.key);
      const same = st && st.source === 'matching_vectors' && st.sourceRowId === w.rowId && st.sourceUpdatedAt === w.updatedAt.getTime();
      if (!opts.full && same) idle.push({ ...w, stored: st });
      else work.set(w.rowId, { ...w, stored: st });
    }
    winners[kind].clear();
  }
  if (!opts.full) {
    await timed(tm, 'stored', async () => {
      for (const kind of ['talent', 'job'] as const) {
        const items = [...work.values()].filter((w) => w.kind === kind && w.stored);
        const hashes = await readStoredHashes(db, TABLES[kind], items.map((w) => w.key));
        for (const w of items) w.storedHashes = hashes.get(w.key);
      }
    });
  }
  const rows = [...new Set([...lengthPlan.changed, ...work.keys()])].sort((a, b) => a - b);
  s.rowsMeasured = lengthPlan.changed.length;
  // Entities whose newest row had no valid facet have no stored row, so they are re-checked (not rewritten) every run.
  log.info(
    `${work.size} entit${work.size === 1 ? 'y' : 'ies'} to check (new, changed, or without a stored row); ` +
      `${lengthPlan.changed.length} source row(s) new or changed since their lengths were recorded, ${lengthPlan.left.length} gone`,
  );

  const override = opts.dim !== undefined ? FACETS.map(() => opts.dim!) : undefined;
  const passOpts: Omit<PassOptions, 'base'> = { full: opts.full, dryRun: opts.dryRun, batchSize: opts.batchSize, statementBudget: opts.statementBudget, readAhead: opts.streams };
  const outcomes = new Map<string, EntityOutcome>();
  const first = await runPass({ rows, work, measure: new Set(lengthPlan.changed) }, { ...passOpts, dims: override, base: lengthPlan.base }, ctx, s, outcomes);
  if (!opts.dryRun) {
    // Facts about source rows as read: true whether or not the pass finished.
    const gone = [...lengthPlan.left, ...first.vanished.filter((id) => recorded.has(id))];
    await timed(tm, 'lengthsWrite', () => writeRowLengths(db, { upserts: first.lengths, deletes: gone }));
  }
  const dims = override ?? inferDims(first.histogram);
  FACETS.forEach((f, i) => (s.dims[f] = dims[i]));
  const model = modelFor(dims);
  s.model = model;
  // Interrupted, the histogram lacks the rows not reached: the next run decides again from the recorded lengths.
  log.info(`facet dimensions: ${formatDims(dims)}${opts.dim !== undefined ? ' (--dim)' : s.interrupted ? ' (so far: interrupted before every changed row was read)' : ''}`);

  // Entities decided under other dims: this pass's first page misjudged them, or the decision changed (a model switch took the majority).
  const revisit = new Map<number, WorkItem>();
  if (!s.interrupted) {
    for (const w of work.values()) {
      const o = outcomes.get(outcomeKey(w.kind, w.key));
      if (o && o.model !== model) revisit.set(w.rowId, w);
    }
    for (const w of idle) if (w.stored!.model !== model) revisit.set(w.rowId, w);
  }
  if (revisit.size) {
    const before = [...new Set([...revisit.values()].map((w) => outcomes.get(outcomeKey(w.kind, w.key))?.model ?? w.stored!.model))];
    log.warn(`facet dimensions are now ${formatDims(dims)} (${model}); ${revisit.size} entities were stored or read under ${before.join(', ')}: revisiting every one of them`);
    s.revisited = { entities: revisit.size, dims: formatDims(dims) };
    const ids = [...revisit.keys()].sort((a, b) => a - b);
    await runPass({ rows: ids, work: revisit, measure: new Set() }, { ...passOpts, dims, base: first.histogram }, ctx, s, outcomes);
  }

  tallyOutcomes(s, outcomes.values());
  const keep = { talent: new Set<number>(), job: new Set<number>() };
  for (const w of idle) {
    if (revisit.has(w.rowId)) continue;
    s.entity[w.kind === 'talent' ? 'talents' : 'jobs'].unchanged++;
    keep[w.kind].add(w.key);
  }
  // Entities the final decision rejects that had no stored row before this run: a first pass under other dims may have written one.
  const rejectedNew: { kind: EntityKind; key: number }[] = [];
  for (const w of [...work.values(), ...revisit.values()]) {
    const o = outcomes.get(outcomeKey(w.kind, w.key));
    // A row that vanished between scan and read leaves its stored embedding alone: the next run's scan sees it gone.
    if (!o) {
      if (w.stored) keep[w.kind].add(w.key);
    } else if (o.action !== 'no_valid_facet') keep[w.kind].add(w.key);
    else if (!o.existed) rejectedNew.push(w);
  }
  if (!s.interrupted) {
    await timed(tm, 'remove', async () => {
      const removals = (['talent', 'job'] as const).map((kind) => plannedRemoval(TABLES[kind], stored[kind], keep[kind]));
      await removeUnkept(db, removals, opts, s);
      if (opts.dryRun || !revisit.size) return;
      // Written by a first pass under dims the revisit overturned, never stored before this run: not a removal to report.
      for (const kind of ['talent', 'job'] as const) {
        const keys = rejectedNew.filter((w) => w.kind === kind).map((w) => w.key);
        if (keys.length) await writeBatch(db, TABLES[kind], { upserts: [], deletes: keys }, 0);
      }
    });
  }
  return { dimList: dims };
}
