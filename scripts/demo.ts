/**
 * `npm run demo`: from an empty MySQL/MariaDB to published, readable matches in one
 * command. Drops and recreates its own database (default fitmatch_demo), then runs
 * seed → migrate → backfill → match (which publishes) through the command functions,
 * and prints the results. DATABASE_URL (process env only, not .env) overrides the target.
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
import { DEMO_DATABASE_URL, recreateDemoDatabase } from '../src/demo/demoDatabase.js';
import { showResults } from '../src/demo/showResults.js';
import { FitmatchError } from '../src/errors.js';
import { createLogger } from '../src/log.js';
import { installShutdown } from '../src/shutdown.js';

/** ~1 minute end to end on a 2-core machine (see README "Demo"). */
const DEMO_SIZE = { talents: 2000, jobs: 400, companies: 80, dim: Number(process.env.FITMATCH_DEMO_DIM ?? 384), dirty: 0.05, seed: 42 };

async function main(): Promise<number> {
  const log = createLogger({ format: 'human' });
  const print = (s: string) => process.stdout.write(s + '\n');
  const shutdown = installShutdown(log);
  const started = Date.now();
  let db: Awaited<ReturnType<typeof connect>> | null = null;
  try {
    const config = loadConfig({ flags: { databaseUrl: process.env.DATABASE_URL || DEMO_DATABASE_URL, logFormat: 'human' } });
    const step = (n: number, what: string) => print(chalk.bold.blue(`\n[${n}/6] ${what}`) + chalk.gray(`  (${((Date.now() - started) / 1000).toFixed(1)}s)`));

    step(1, `creating the demo database ${config.db.display}`);
    await recreateDemoDatabase(config.db);
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
    shutdown.dispose();
  }
}

process.exitCode = await main();
