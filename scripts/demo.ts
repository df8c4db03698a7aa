/**
 * `npm run demo`: from an empty MySQL/MariaDB to published, readable matches in one
 * command. Drops and recreates its own database (default fitmatch_demo_<OS user>; only one it
 * created itself, marked by a fitmatch_demo_owner table), then runs
 * seed → migrate → backfill → match (which publishes) through the command functions,
 * and prints the results. DATABASE_URL (process env only, not .env) overrides the target.
 * When no server answers on a local target (or root may not log in there over TCP) and a
 * mariadbd/mysqld is installed, the demo runs on a throwaway server it starts and removes.
 * FITMATCH_DEMO_SIZE=small seeds a tenth of the data (for the end-to-end test).
 */
import chalk from 'chalk';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { CommandContext } from '../src/context.js';
import { backfill } from '../src/commands/backfill.js';
import { match } from '../src/commands/match.js';
import { migrate } from '../src/commands/migrate.js';
import { seed } from '../src/commands/seed.js';
import { connect } from '../src/db/connect.js';
import { createLocalServer, findServerBinary, type LocalServer } from '../src/db/localServer.js';
import { demoDatabaseUrl, recreateDemoDatabase } from '../src/demo/demoDatabase.js';
import { showResults } from '../src/demo/showResults.js';
import { throwawayReason } from '../src/demo/throwawayReason.js';
import { ExitCode, FitmatchError, InterruptedError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { installShutdown } from '../src/shutdown.js';

/** ~1 minute end to end on a 2-core machine (see docs/demo.md). */
const FULL = { talents: 2000, jobs: 400, companies: 80 };
const SMALL = { talents: 200, jobs: 40, companies: 8 };
const DEMO_SIZE = { ...(process.env.FITMATCH_DEMO_SIZE === 'small' ? SMALL : FULL), dim: Number(process.env.FITMATCH_DEMO_DIM ?? 384), dirty: 0.05, seed: 42 };

async function main(): Promise<number> {
  const log = createLogger({ format: 'human' });
  const print = (s: string) => process.stdout.write(s + '\n');
  const shutdown = installShutdown(log);
  const started = Date.now();
  let db: Awaited<ReturnType<typeof connect>> | null = null;
  let server: LocalServer | null = null;
  try {
    let config = loadConfig({ flags: { databaseUrl: demoDatabaseUrl(), logFormat: 'human' } });
    const step = (n: number, what: string) => print(chalk.bold.blue(`\n[${n}/6] ${what}`) + chalk.gray(`  (${((Date.now() - started) / 1000).toFixed(1)}s)`));

    const stopIfInterrupted = () => {
      if (shutdown.signal.aborted) throw new InterruptedError('the demo', 'nothing was seeded yet');
    };

    step(1, `creating the demo database ${config.db.display}`);
    try {
      await recreateDemoDatabase(config.db);
    } catch (e) {
      const reason = throwawayReason(config.db, (e as Error).cause);
      if (!reason || !findServerBinary()) throw e;
      stopIfInterrupted();
      try {
        server = await createLocalServer();
        print(chalk.yellow(`${reason}; starting a throwaway ${server.binary.label} in ${server.dir} for this demo`));
        await server.start();
      } catch (startError) {
        throw new FitmatchError(`${reason}, and the throwaway server did not start: ${(startError as Error).message}`, ExitCode.DB_UNAVAILABLE, { cause: startError });
      }
      config = loadConfig({ flags: { databaseUrl: server.url + encodeURIComponent(config.db.database), logFormat: 'human' } });
      await recreateDemoDatabase(config.db);
    }
    stopIfInterrupted();
    db = await connect(config.db);
    const ctx: CommandContext = { db, clock: systemClock, log, config, signal: shutdown.signal };

    step(2, `seeding ${DEMO_SIZE.talents} talents, ${DEMO_SIZE.jobs} postings, ${DEMO_SIZE.companies} companies (6 × ${DEMO_SIZE.dim} dims, ${DEMO_SIZE.dirty * 100}% dirty)`);
    const manifest = await seed({ ...DEMO_SIZE, timezone: config.timezone }, ctx);

    step(3, 'migrating: creating fitmatch’s own tables');
    await migrate({}, ctx);

    step(4, 'backfilling: matching_vectors → talent_embeddings / job_embeddings');
    await backfill({ source: 'matching_vectors' }, ctx);

    step(5, 'matching and publishing: exact top-k in both directions → match_results');
    const run = await match({}, ctx);

    step(6, 'results');
    const c = run.counts as Record<string, number>;
    await showResults(db, run.runId, { eligibleTalents: c.eligibleTalents, eligibleJobs: c.eligibleJobs, seededTalents: manifest.sizes.talents, seededJobs: manifest.sizes.jobs }, print);
    if (server) print(chalk.yellow(`\n(the throwaway server and these results are deleted now; run the demo against a server of your own to keep them)`));
    print(chalk.green(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)}s`));
    return 0;
  } catch (e) {
    if (e instanceof FitmatchError) {
      log.error(e.message);
      return e.exitCode;
    }
    log.error(`unexpected error: ${(e as Error)?.stack ?? String(e)}`);
    return 1;
  } finally {
    await db?.close();
    await server?.remove().catch((e: Error) => log.warn(`could not remove the throwaway server in ${server!.dir}: ${e.message}`));
    shutdown.dispose();
  }
}

process.exitCode = await main();
