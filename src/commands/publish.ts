import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { statementBudget } from '../backfill/writeEmbeddings.js';
import { pruneBookkeeping } from '../runs/cleanupRuns.js';
import { loadSnapshot } from '../runs/createRun.js';
import { publishRun, type PublishResult } from '../runs/publishRun.js';
import { chooseWritePath, ResultWriter } from '../store/resultWriter.js';
import { runBlocks, runById, runByKey } from '../store/runStore.js';
import { assertMigrated } from '../migrate/migrator.js';

export interface PublishOptions {
  runKey?: string;
  runId?: number;
  allowShrink?: boolean;
}

/**
 * Merges and publishes a run whose blocks are all done: a shared run whose last
 * shard could not publish, or a run computed with --no-publish.
 */
export async function publish(opts: PublishOptions, ctx: CommandContext): Promise<PublishResult & { runId: number }> {
  const { db, log, clock, config } = ctx;
  await assertMigrated(db);
  if ((opts.runKey === undefined) === (opts.runId === undefined)) throw new FitmatchError('publish needs exactly one of --run-key KEY or --run-id N', ExitCode.USAGE);
  const run = opts.runKey !== undefined ? await runByKey(db.pool, opts.runKey) : await runById(db.pool, opts.runId!);
  const name = opts.runKey !== undefined ? `run "${opts.runKey}"` : `run ${opts.runId}`;
  if (!run) throw new FitmatchError(`${name} does not exist`, ExitCode.USAGE);
  if (run.status === 'succeeded') {
    log.info(`${name} (id ${run.id}) is published already; nothing to do`);
    return { runId: run.id, published: true, publishedNow: false, counts: run.counts ?? {}, timings: { mergeMs: 0, indexMs: 0, publishMs: 0 } };
  }
  if (!['running', 'interrupted', 'failed'].includes(run.status)) throw new FitmatchError(`${name} is ${run.status} and cannot be published`, ExitCode.USAGE);
  const pending = (await runBlocks(db.pool, run.id)).filter((b) => b.state === 'pending');
  if (pending.length) {
    const shards = [...new Set(pending.map((b) => b.shard))];
    throw new FitmatchError(`${name} is not complete: ${pending.length} block(s) of shard(s) ${shards.join(', ')} are not done; run those shards first`, ExitCode.FAILED);
  }
  const lock = await acquireLock(db, 'match', { waitSeconds: 60, holder: 'a fitmatch match, incremental run or rollback' });
  try {
    const write = await chooseWritePath(db.pool, config.writeMode);
    const r = await publishRun({
      db, log, clock, run,
      signal: ctx.signal,
      snapshot: await loadSnapshot(db, run.id),
      matchLock: lock,
      writer: () => new ResultWriter(db.pool, `match_results_r${run.id}`, write.path, write.maxAllowedPacket),
      statementBytes: Math.min(4 * 2 ** 20, statementBudget(write.maxAllowedPacket)),
      publish: true,
      allowShrink: !!opts.allowShrink,
      maxShrink: config.maxShrink,
      lockWaitSeconds: 5,
      publishAttempts: 5,
    });
    await pruneBookkeeping(db.pool);
    log.event('published', { runId: run.id, counts: r.counts }, `published ${name} (id ${run.id})`);
    return { ...r, runId: run.id };
  } finally {
    await lock.release();
  }
}
