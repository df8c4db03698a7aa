import { createHash } from 'node:crypto';
import type { CommandContext } from '../context.js';
import type { Embedder } from '../embed/embedder.js';
import { FACETS, FACET_COUNT } from '../facets.js';
import { createProgress } from '../progress.js';
import { decodeFloat32 } from '../vectors/float32.js';
import { packVectors } from '../vectors/packedVectors.js';
import { TABLES, readStoredMeta, readStoredVectors, type EntityKind, type StoredMeta } from '../store/embeddingTables.js';
import { jobFacetTexts, talentFacetTexts, type FacetTexts } from './facetTexts.js';
import { countLiveEntities, readJobPage, readTalentPage } from '../store/appTexts.js';
import { plannedRemoval, removeUnkept } from './removeUnkept.js';
import { countReason, type BackfillSummary } from './summary.js';
import { writeBatch, type EmbeddingRow } from '../store/writeEmbeddings.js';

export interface EmbedTextOptions {
  full: boolean;
  dryRun: boolean;
  maxShrink: number;
  allowShrink: boolean;
  batchSize: number;
  statementBudget: number;
}

export const textHash = (t: string): string => createHash('sha256').update(t).digest('hex');

interface Pending {
  key: number;
  hashes: (string | null)[];
  vecs: (Float32Array | null)[];
  /** Facets whose stored vector is reused. */
  kept: number[];
  existed: boolean;
}

/**
 * Source 2: facet texts -> embedder. Only facets whose text hash differs from the
 * stored one (same model) are embedded again. An entity "disappears" when its
 * talent profile/user or posting is deleted or soft-deleted, or all six texts
 * are empty: its stored row is removed.
 */
export async function embedTexts(opts: EmbedTextOptions, ctx: CommandContext, embedder: Embedder, s: BackfillSummary): Promise<void> {
  s.model = embedder.model;
  for (const kind of ['talent', 'job'] as const) {
    if (s.interrupted) break;
    await embedKind(kind, opts, ctx, embedder, s);
  }
  s.tokens = embedder.usage.promptTokens;
}

async function embedKind(kind: EntityKind, opts: EmbedTextOptions, ctx: CommandContext, embedder: Embedder, s: BackfillSummary): Promise<void> {
  const { db, log, signal } = ctx;
  const t = TABLES[kind];
  const counts = s.entity[kind === 'talent' ? 'talents' : 'jobs'];
  const stored = await readStoredMeta(db, t);
  const keep = new Set<number>();
  const n = await countLiveEntities(db, kind);
  const progress = createProgress(log, { task: `embed ${kind}s`, total: Number(n), unit: kind === 'talent' ? 'talents' : 'postings' });
  const tm = s.timingsMs;
  for (let after = -1; ; ) {
    let t0 = performance.now();
    const page = kind === 'talent' ? await readTalentPage(db, after, opts.batchSize) : await readJobPage(db, after, opts.batchSize);
    tm.read = (tm.read ?? 0) + Math.round(performance.now() - t0);
    if (page.length === 0) break;
    after = page[page.length - 1].key;
    const pending: Pending[] = [];
    const requests: { p: Pending; f: number; text: string }[] = [];
    for (const { key, source } of page) {
      const texts: FacetTexts = kind === 'talent' ? talentFacetTexts(source as never) : jobFacetTexts(source as never);
      const hashes = texts.map((x) => (x ? textHash(x) : null));
      if (hashes.every((h) => h === null)) {
        countReason(s.rowSkips, 'no_text', `${kind} ${key}`);
        continue;
      }
      const st: StoredMeta | undefined = stored.get(key);
      const sameModel = !!st && st.source === 'text' && st.model === embedder.model;
      // For text rows a stored hash means a stored vector: non-empty text is always embedded.
      if (!opts.full && sameModel && hashes.every((h, f) => h === st!.hashes[f])) {
        counts.unchanged++;
        keep.add(key);
        continue;
      }
      const p: Pending = { key, hashes, vecs: new Array(FACET_COUNT).fill(null), kept: [], existed: !!st };
      pending.push(p);
      for (let f = 0; f < FACET_COUNT; f++) {
        if (hashes[f] === null) countReason(s.facetSkips, 'empty_text', `${kind} ${key}/${FACETS[f]}`);
        else if (!opts.full && sameModel && st!.hashes[f] === hashes[f]) p.kept.push(f);
        else requests.push({ p, f, text: texts[f] });
      }
    }
    s.facetsEmbedded = (s.facetsEmbedded ?? 0) + requests.length;
    if (opts.dryRun) {
      // Never spend provider calls on a dry run: count what would be written.
      for (const p of pending) {
        if (p.existed) counts.updated++;
        else counts.inserted++;
        keep.add(p.key);
      }
      progress.tick(page.length, { toEmbed: requests.length });
      continue;
    }
    t0 = performance.now();
    const vectors = requests.length ? await embedder.embed(requests.map((r) => r.text), signal) : [];
    tm.embed = (tm.embed ?? 0) + Math.round(performance.now() - t0);
    requests.forEach((r, i) => (r.p.vecs[r.f] = vectors[i]));
    const reuse = await readStoredVectors(db, t, pending.filter((p) => p.kept.length).map((p) => p.key));
    const upserts: EmbeddingRow[] = [];
    for (const p of pending) {
      for (const f of p.kept) {
        const bytes = reuse.get(p.key)?.[f];
        p.vecs[f] = bytes ? decodeFloat32(bytes) : null;
      }
      if (p.kept.some((f) => !p.vecs[f])) {
        // The stored row changed under us; leave it for the next run rather than write a hole.
        log.warn(`${kind} ${p.key}: stored vectors vanished during the run; skipped`);
        continue;
      }
      p.vecs.forEach((v, f) => v && s.facetsWritten[FACETS[f]]++);
      upserts.push({ key: p.key, vectors: packVectors(p.vecs), hashes: p.hashes, model: embedder.model, source: 'text', sourceRowId: null, sourceUpdatedAt: null });
      if (p.existed) counts.updated++;
      else counts.inserted++;
      keep.add(p.key);
    }
    t0 = performance.now();
    await writeBatch(db, t, { upserts, deletes: [] }, opts.statementBudget);
    tm.write = (tm.write ?? 0) + Math.round(performance.now() - t0);
    progress.tick(page.length, { embedded: requests.length, tokens: embedder.usage.promptTokens });
    if (signal.aborted) {
      s.interrupted = true;
      break;
    }
  }
  progress.stop();
  if (!s.interrupted) await removeUnkept(db, [plannedRemoval(t, stored, keep)], opts, s);
}
