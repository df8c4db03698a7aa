import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { statementBudget } from '../store/writeEmbeddings.js';
import { pruneBookkeeping } from '../runs/cleanupRuns.js';
import { loadSnapshot } from '../runs/createRun.js';
import { assertPublishesForward } from '../runs/publishOrder.js';
import { publishRun, type PublishResult } from '../runs/publishRun.js';
import type { FullRunCounts, IncrementalRunCounts } from '../store/runCounts.js';
import { validateRunKey } from '../runs/runKey.js';
import { PREVIOUS, readPublishedState, swapWithPrevious, tableExists } from '../store/resultTables.js';
import { chooseWritePath, ResultWriter } from '../store/resultWriter.js';
import { hasSucceeded, isResumable, isRolledBack, transition } from '../store/runLifecycle.js';
import { matchRunById, runBlocks, runByKey, type MatchRun } from '../store/runStore.js';
import { assertMigrated } from '../migrate/migrator.js';

/** A published run: an incremental run named by id reports its own counts. */
export type PublishedRun = Omit<PublishResult, 'counts'> & { runId: number; counts: FullRunCounts | IncrementalRunCounts };

export interface PublishOptions {
  runKey?: string;
  runId?: number;
  allowShrink?: boolean;
  allowEmpty?: boolean;
  /** Publish over a set whose snapshot is newer (the forward-only rule, src/runs/publishOrder.ts). */
  force?: boolean;
}

/**
 * Merges and publishes a run whose blocks are all done: a shared run whose last
 * shard could not publish, or a run computed with --no-publish. A rolled-back
 * run whose set is kept as the previous one is published again by swapping it
 * back in. Either way only forward, unless --force.
 */
export async function publish(opts: PublishOptions, ctx: CommandContext): Promise<PublishedRun> {
  const { db, log, clock, config } = ctx;
  if ((opts.runKey === undefined) === (opts.runId === undefined)) throw new FitmatchError('publish needs exactly one of --run-key KEY or --run-id N', ExitCode.USAGE);
  if (opts.runKey !== undefined) validateRunKey(opts.runKey);
  await assertMigrated(db);
  const run: MatchRun | null = opts.runKey !== undefined ? await runByKey(db.pool, opts.runKey) : await matchRunById(db.pool, opts.runId!);
  const name = opts.runKey !== undefined ? `run "${opts.runKey}"` : `run ${opts.runId}`;
  if (!run) throw new FitmatchError(`${name} does not exist`, ExitCode.USAGE);
  const nothing = { mergeMs: 0, indexMs: 0, publishMs: 0 };
  if (hasSucceeded(run.status)) {
    log.info(`${name} (id ${run.id}) is published already; nothing to do`);
    return { runId: run.id, published: true, publishedNow: false, counts: run.counts ?? {}, timings: nothing };
  }
  if (isRolledBack(run.status)) return { ...(await republishKept(run, opts, ctx)), runId: run.id, timings: nothing };
  if (run.kind === 'incremental') throw new FitmatchError(`${name} is an incremental run: it publishes itself or not at all; run \`fitmatch match --incremental\` again`, ExitCode.USAGE);
  if (!isResumable(run.status)) throw new FitmatchError(`${name} is ${run.status} and cannot be published`, ExitCode.USAGE);
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
      allowEmpty: !!opts.allowEmpty,
      force: !!opts.force,
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

/** A rolled-back full run whose set is the kept previous one: swapped back in, if that moves forward (or --force). */
async function republishKept(run: MatchRun, opts: PublishOptions, ctx: CommandContext): Promise<Omit<PublishedRun, 'timings' | 'runId'>> {
  const { db, log, clock } = ctx;
  const lock = await acquireLock(db, 'match', { waitSeconds: 60, holder: 'a fitmatch match, incremental run or rollback' });
  try {
    const kept = (await tableExists(lock.conn, PREVIOUS)) ? await readPublishedState(lock.conn, 'match_published_previous') : null;
    if (run.kind !== 'full' || kept?.runId !== run.id) {
      throw new FitmatchError(`run ${run.id} was rolled back and its set is no longer kept${run.kind === 'incremental' ? ' (an undone incremental run cannot be re-applied: run `fitmatch match --incremental`)' : ''}; run \`fitmatch match\` for a new set`, ExitCode.USAGE);
    }
    await lock.assertHeld();
    await assertPublishesForward(lock.conn, run, { force: opts.force, log });
    const live = await readPublishedState(lock.conn);
    await swapWithPrevious(lock.conn, { lockWaitSeconds: 5, attempts: 5, log, signal: ctx.signal, pool: db.pool });
    await transition(db.pool, clock, run.id, 'republish');
    log.event('published', { runId: run.id, counts: run.counts }, `published run ${run.id} again (its set was kept as the previous one); run ${live?.runId ?? '?'} is now the previous set`);
    return { published: true, publishedNow: true, counts: run.counts ?? {} };
  } finally {
    await lock.release();
  }
}
