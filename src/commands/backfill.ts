import { writeFileSync } from 'node:fs';
import { embedTexts } from '../backfill/embedTexts.js';
import { importMatchingVectors } from '../backfill/importMatchingVectors.js';
import { finishRun, startRun } from '../backfill/runRecord.js';
import { formatSummary, newSummary, totalWrites, type BackfillSummary } from '../backfill/summary.js';
import { maxAllowedPacket, statementBudget } from '../backfill/writeEmbeddings.js';
import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { createEmbedder } from '../embed/createEmbedder.js';
import { InterruptedError } from '../errors.js';
import { assertMigrated } from '../migrate/migrator.js';

export interface BackfillOptions {
  source: 'matching_vectors' | 'text';
  full?: boolean;
  dryRun?: boolean;
  /** Expected length of every facet (matching_vectors); default: inferred per facet. */
  dim?: number;
  /** Source rows (or entities) per read/write batch. */
  batchSize?: number;
  reportJson?: string;
}

/** Fills talent_embeddings / job_embeddings from matching_vectors or from text, incrementally. */
export async function backfill(opts: BackfillOptions, ctx: CommandContext): Promise<BackfillSummary> {
  const { db, log, clock } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'backfill', 0);
  const s = newSummary(opts.source, { dryRun: !!opts.dryRun, full: !!opts.full });
  const started = clock.now();
  const t0 = performance.now();
  let runId: number | null = null;
  const params = { source: opts.source, full: !!opts.full, dim: opts.dim ?? null, batchSize: opts.batchSize ?? null, provider: opts.source === 'text' ? ctx.config.provider : undefined };
  try {
    const budget = statementBudget(await maxAllowedPacket(db));
    if (!opts.dryRun) runId = await startRun(db, params, started);
    log.info(`backfill from ${opts.source}${opts.full ? ' (--full)' : ''}${opts.dryRun ? ' (--dry-run: nothing will be written)' : ''} into ${db.settings.display}`);
    let extra: Record<string, unknown> = {};
    if (opts.source === 'text') {
      const embedder = createEmbedder(ctx.config, log);
      await embedTexts({ full: !!opts.full, dryRun: !!opts.dryRun, batchSize: opts.batchSize ?? 200, statementBudget: budget }, ctx, embedder, s);
    } else {
      const r = await importMatchingVectors(
        { full: !!opts.full, dryRun: !!opts.dryRun, dim: opts.dim, batchSize: opts.batchSize ?? 100, statementBudget: budget },
        ctx,
        s,
      );
      extra = { fingerprint: r.fingerprint, dimList: r.dimList, dimOverride: opts.dim ?? null };
    }
    s.timingsMs.total = Math.round(performance.now() - t0);
    for (const line of formatSummary(s)) log.info(line);
    log.event('backfill_summary', { summary: s });
    if (opts.reportJson) writeFileSync(opts.reportJson, JSON.stringify(s, null, 2) + '\n');
    if (runId !== null) {
      await finishRun(db, runId, { status: s.interrupted ? 'interrupted' : 'succeeded', counts: { ...s.entity, rowSkips: s.rowSkips, facetSkips: s.facetSkips, writes: totalWrites(s), ...extra }, timings: s.timingsMs, finishedAt: clock.now() });
    }
    if (s.interrupted) {
      throw new InterruptedError('backfill', 'the batches already committed stay valid; run backfill again to continue where it stopped');
    }
    return s;
  } catch (e) {
    if (runId !== null && !(e instanceof InterruptedError)) {
      await finishRun(db, runId, { status: 'failed', counts: s.entity, timings: s.timingsMs, error: String((e as Error)?.message ?? e), finishedAt: clock.now() }).catch(() => {});
    }
    throw e;
  } finally {
    await lock.release();
  }
}
