import { writeFileSync } from 'node:fs';
import { embedTexts } from '../backfill/embedTexts.js';
import { importMatchingVectors } from '../backfill/importMatchingVectors.js';
import { formatSummary, newSummary, totalWrites, type BackfillSummary } from '../backfill/summary.js';
import { maxAllowedPacket, statementBudget } from '../store/writeEmbeddings.js';
import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { DEFAULT_RETRY, withRetry } from '../db/retry.js';
import { createEmbedder } from '../embed/createEmbedder.js';
import { InterruptedError, isStop } from '../errors.js';
import { assertMigrated } from '../migrate/migrator.js';
import { redact } from '../redact.js';
import { markDeadRuns, recordedRun, recordedRunIfWorth, type RunEnd } from '../runs/recordedRun.js';
import type { BackfillRunCounts } from '../store/runCounts.js';
import { lastSucceededBackfill } from '../store/lastBackfill.js';
import type { ReasonCount } from '../backfill/summary.js';

/** Whether two backfills skipped the same number of rows for each reason. */
function sameSkips(a: Record<string, ReasonCount>, b: Record<string, ReasonCount> | undefined): boolean {
  const counts = (r: Record<string, ReasonCount> | undefined) => Object.entries(r ?? {}).filter(([, v]) => v.count > 0).map(([k, v]) => `${k}:${v.count}`).sort().join(',');
  return b !== undefined && counts(a) === counts(b);
}

export interface BackfillOptions {
  source: 'matching_vectors' | 'text';
  full?: boolean;
  dryRun?: boolean;
  /** Expected length of every facet (matching_vectors); default: inferred per facet. */
  dim?: number;
  /** Source rows (or entities) per read/write batch. */
  batchSize?: number;
  reportJson?: string;
  /** Remove stored embeddings even when that empties most of a table. */
  allowShrink?: boolean;
  /**
   * false (`run --incremental`): a backfill that changed nothing and found the same
   * bad rows as the last successful one leaves no run record, so a 10-minute cron
   * leaves no trail of empty runs. Its record is then written when it ends.
   */
  recordIfUnchanged?: boolean;
}

const STOPPED = 'the batches already committed stay valid; run backfill again to continue where it stopped';

/**
 * Fills talent_embeddings / job_embeddings from matching_vectors or from text,
 * incrementally. A lost connection or restart is retried (--retries): the next
 * attempt skips what the committed batches already stored.
 */
export async function backfill(opts: BackfillOptions, ctx: CommandContext): Promise<BackfillSummary> {
  const policy = { ...DEFAULT_RETRY, retries: ctx.config.retries };
  return withRetry('backfill', () => backfillAttempt(opts, ctx), { policy, log: ctx.log, signal: ctx.signal });
}

async function backfillAttempt(opts: BackfillOptions, ctx: CommandContext): Promise<BackfillSummary> {
  const { db, log, clock, config } = ctx;
  await assertMigrated(db);
  const lock = await acquireLock(db, 'backfill', { waitSeconds: Math.ceil(config.waitLock / 1000), log, holder: 'another fitmatch backfill' });
  const s = newSummary(opts.source, { dryRun: !!opts.dryRun, full: !!opts.full });
  const t0 = performance.now();
  const params = { source: opts.source, full: !!opts.full, dim: opts.dim ?? null, batchSize: opts.batchSize ?? null, provider: opts.source === 'text' ? config.provider : undefined };
  const guard = { maxShrink: config.maxShrink, allowShrink: !!opts.allowShrink };
  const recorder = { pool: db.pool, clock, log, signal: ctx.signal };
  const work = async (): Promise<RunEnd<BackfillSummary>> => {
    const budget = statementBudget(await maxAllowedPacket(db));
    log.info(`backfill from ${opts.source}${opts.full ? ' (--full)' : ''}${opts.dryRun ? ' (--dry-run: nothing will be written)' : ''} into ${db.settings.display}`);
    let extra: Pick<BackfillRunCounts, 'dimList' | 'dimOverride'> = {};
    if (opts.source === 'text') {
      const embedder = createEmbedder(config, log);
      await embedTexts({ full: !!opts.full, dryRun: !!opts.dryRun, batchSize: opts.batchSize ?? 200, statementBudget: budget, ...guard }, ctx, embedder, s);
    } else {
      const r = await importMatchingVectors({ full: !!opts.full, dryRun: !!opts.dryRun, dim: opts.dim, batchSize: opts.batchSize ?? 100, statementBudget: budget, ...guard }, ctx, s);
      extra = { dimList: r.dimList, dimOverride: opts.dim ?? null };
    }
    s.timingsMs.total = Math.round(performance.now() - t0);
    // The full summary is the command's report (stdout); the log keeps one line and the event.
    log.event('backfill_summary', { summary: s }, `backfill done: ${formatSummary(s).slice(0, 2).join('; ')}${totalWrites(s) === 0 && !s.interrupted ? '; nothing to do' : ''}`);
    if (opts.reportJson) writeFileSync(opts.reportJson, redact(JSON.stringify(s, null, 2)) + '\n');
    const counts: BackfillRunCounts = { ...s.entity, rowSkips: s.rowSkips, facetSkips: s.facetSkips, writes: totalWrites(s), ...extra };
    return { value: s, end: { transition: s.interrupted ? 'interrupt' : 'succeed', counts, timings: s.timingsMs } };
  };
  try {
    if (opts.dryRun) await markDeadRuns(recorder, 'backfill');
    const onStop = () => ({ counts: { ...s.entity }, timings: s.timingsMs });
    const previous = opts.recordIfUnchanged === false ? await lastSucceededBackfill(db.pool) : null;
    const worthRecording = () => totalWrites(s) > 0 || s.interrupted || !sameSkips(s.rowSkips, previous?.counts.rowSkips);
    const done = opts.dryRun
      ? (await work()).value
      : opts.recordIfUnchanged === false
        ? await recordedRunIfWorth(recorder, { kind: 'backfill', params }, work, worthRecording, onStop)
        : await recordedRun(recorder, { kind: 'backfill', params }, work, onStop);
    if (s.interrupted) throw new InterruptedError('backfill', STOPPED);
    return done;
  } catch (e) {
    if (isStop(e, ctx.signal) && !s.interrupted) throw new InterruptedError('backfill', STOPPED);
    throw e;
  } finally {
    await lock.release();
  }
}
