import { createHash } from 'node:crypto';
import type { CommandContext } from '../context.js';
import { FACET_COUNT } from '../facets.js';
import { createProgress } from '../progress.js';
import { TABLES, type EntityKind, type StoredPointer } from '../store/embeddingTables.js';
import { readPayloads, type SourcePayloadRow } from '../store/matchingVectors.js';
import type { RowLengths } from '../store/matchingVectorLengths.js';
import { writeBatch, type BatchWrite } from '../store/writeEmbeddings.js';
import { packVectors } from '../vectors/packedVectors.js';
import { addRowLengths, cloneHistograms, inferDims, type LengthHistogram } from '../vectors/inferDims.js';
import { parseAnyLength, withDim, type FacetProblem, type ParsedFacet } from './parsePayload.js';
import type { Winner } from './planRows.js';
import type { BackfillSummary } from './summary.js';
import { timed } from './timed.js';

export interface WorkItem extends Winner {
  stored?: StoredPointer;
  /** The stored row's six source hashes, read for incremental runs only (same bytes: touch, do not rewrite). */
  storedHashes?: (string | null)[];
}

/** What a pass decided for one entity; the summary is tallied from these once every pass is done. */
export interface EntityOutcome {
  kind: EntityKind;
  key: number;
  rowId: number;
  /** A stored row existed before this backfill started. */
  existed: boolean;
  action: 'written' | 'touched' | 'no_valid_facet';
  /** Per facet: why it was left out (never 'missing'), or null. */
  problems: (FacetProblem | null)[];
  /** Per facet: stored. */
  written: boolean[];
  /** The model (dims) the entity was decided under. */
  model: string;
}

export interface PassInput {
  /** Source rows to read, ascending. */
  rows: number[];
  /** The entities to (re)compute, by source row id. */
  work: Map<number, WorkItem>;
  /** Rows whose list lengths are to be recorded (new or changed since recorded). */
  measure: Set<number>;
}

export interface PassOptions {
  full: boolean;
  dryRun: boolean;
  batchSize: number;
  statementBudget: number;
  readAhead?: number;
  /** Dimensions fixed in advance (--dim, a revisit); otherwise decided from `base` plus the first page's lengths. */
  dims?: (number | null)[];
  /** Histograms of every source row not measured by this pass. */
  base: LengthHistogram;
}

export interface PassResult {
  /** The dimensions the pass's entities were decided under. */
  dims: (number | null)[];
  /** `base` plus every measured row: exact for the source as read. */
  histogram: LengthHistogram;
  /** Lengths of the measured rows that were read. */
  lengths: Map<number, RowLengths>;
  /** Rows gone between the scan and the read. */
  vanished: number[];
}

export const payloadHash = (p: string | null): string | null => (p === null ? null : createHash('sha256').update(p).digest('hex'));

export const modelFor = (dims: readonly (number | null)[]): string => `matching_vectors:${dims.map((d) => d ?? 0).join(',')}`;

export const outcomeKey = (kind: EntityKind, key: number): string => `${kind}:${key}`;

/**
 * One read of the given source rows in pages, keeping pages read ahead and one
 * batch write in flight, so reading, parsing and writing overlap. Each payload is
 * parsed once: for its list length (measured rows) and its vector (work rows).
 * Without fixed dims, the dims are decided once the first page is measured and
 * kept for the pass; the caller revisits the entities if the final decision
 * differs. Stops at a batch boundary when ctx.signal is aborted (s.interrupted).
 */
export async function runPass(input: PassInput, o: PassOptions, ctx: CommandContext, s: BackfillSummary, outcomes: Map<string, EntityOutcome>): Promise<PassResult> {
  const { db, log, signal } = ctx;
  const tm = s.timingsMs;
  const histogram = cloneHistograms(o.base);
  const lengths = new Map<number, RowLengths>();
  let dims = o.dims;
  let model = dims ? modelFor(dims) : '';
  const ids = dims ? input.rows : sampleFirst(input.rows, input.measure, o.batchSize);
  const progress = createProgress(log, { task: 'backfill', total: ids.length, unit: 'rows' });
  const seen = new Set<number>();
  let written = 0;
  const fetch = (i: number) => {
    const p = readPayloads(db, ids.slice(i, i + o.batchSize));
    p.catch(() => {}); // awaited below; this only stops an early rejection from counting as unhandled
    return p;
  };
  // Up to `readAhead` pages in flight (bounded memory: readAhead × batchSize payload rows).
  const ahead: Promise<SourcePayloadRow[]>[] = [];
  let nextStart = 0;
  const refill = () => {
    for (; ahead.length < Math.max(1, o.readAhead ?? 2) && nextStart < ids.length; nextStart += o.batchSize) ahead.push(fetch(nextStart));
  };
  refill();
  let writing: Promise<void> = Promise.resolve();
  try {
    while (ahead.length) {
      const rows = await timed(tm, 'read', () => ahead.shift()!);
      refill();
      const t0 = performance.now();
      const parsed = new Map<number, ParsedFacet[]>();
      for (const row of rows) {
        seen.add(row.id);
        if (!input.measure.has(row.id)) continue;
        const facets = row.payloads.map(parseAnyLength);
        parsed.set(row.id, facets);
        const l = facets.map((f) => f.length);
        lengths.set(row.id, { updatedAt: row.updatedAt.getTime(), lengths: l });
        addRowLengths(histogram, l);
      }
      if (!dims) {
        dims = inferDims(histogram);
        model = modelFor(dims);
      }
      const batches: Record<EntityKind, BatchWrite> = { talent: { upserts: [], deletes: [], touches: [] }, job: { upserts: [], deletes: [], touches: [] } };
      for (const row of rows) {
        const w = input.work.get(row.id);
        if (!w) continue;
        const out = planEntity(w, row, parsed.get(row.id), { full: o.full, dims, model }, batches[w.kind]);
        outcomes.set(outcomeKey(w.kind, w.key), out);
        if (out.action !== 'no_valid_facet') written++;
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
      progress.tick(rows.length, { written });
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
  const vanished = s.interrupted ? [] : ids.filter((id) => !seen.has(id));
  return { dims: dims ?? inferDims(histogram), histogram, lengths, vanished };
}

/**
 * The rows in reading order, the first page an even sample of the measured rows:
 * the dims decided from it hold for the whole pass unless the source is close to
 * a tie (old rows first, as after a model switch, would fool a first page in id order).
 */
export function sampleFirst(rows: number[], measure: Set<number>, pageSize: number): number[] {
  const measured = rows.filter((id) => measure.has(id));
  const step = Math.max(1, measured.length / pageSize);
  const sample = new Set(Array.from({ length: Math.min(pageSize, measured.length) }, (_, i) => measured[Math.floor(i * step)]));
  return [...sample, ...rows.filter((id) => !sample.has(id))];
}

function planEntity(
  w: WorkItem,
  row: SourcePayloadRow,
  parsed: ParsedFacet[] | undefined,
  o: { full: boolean; dims: (number | null)[]; model: string },
  out: BatchWrite,
): EntityOutcome {
  const hashes = row.payloads.map(payloadHash);
  const st = w.stored;
  const sh = w.storedHashes;
  const base = { kind: w.kind, key: w.key, rowId: row.id, existed: !!st, model: o.model };
  const none = new Array<null>(FACET_COUNT).fill(null);
  if (!o.full && st && sh && st.source === 'matching_vectors' && st.model === o.model && hashes.every((h, f) => h === sh[f])) {
    // Same bytes, same dims: the stored vectors are still right, only the source pointer moved.
    out.touches!.push({ key: w.key, sourceRowId: row.id, sourceUpdatedAt: row.updatedAt });
    return { ...base, action: 'touched', problems: none, written: none.map(() => false) };
  }
  const facets = parsed ?? row.payloads.map(parseAnyLength);
  const vecs: (Float32Array | null)[] = new Array(FACET_COUNT).fill(null);
  const problems: (FacetProblem | null)[] = [...none];
  let valid = 0;
  for (let f = 0; f < FACET_COUNT; f++) {
    const r = withDim(facets[f], o.dims[f] ?? null);
    if (r.ok) {
      vecs[f] = r.vector;
      valid++;
    } else if (r.reason !== 'missing') problems[f] = r.reason;
  }
  // No valid facet: not kept. A stored row goes with the removals after the complete pass, where the shrink guard sees it.
  if (valid === 0) return { ...base, action: 'no_valid_facet', problems, written: vecs.map(() => false) };
  out.upserts.push({ key: w.key, vectors: packVectors(vecs), hashes, model: o.model, source: 'matching_vectors', sourceRowId: row.id, sourceUpdatedAt: row.updatedAt });
  return { ...base, action: 'written', problems, written: vecs.map((v) => v !== null) };
}
