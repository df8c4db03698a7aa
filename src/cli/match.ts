import type { Command } from 'commander';
import { globalFlags } from '../cli.js';
import { match } from '../commands/match.js';
import { runCommand } from '../runCommand.js';

interface MatchFlags {
  topK?: string;
  weights?: string;
  memory?: string;
  threads?: string;
  timezone?: string;
  today?: string;
  jobStatuses?: string;
  includeExpired?: boolean;
  includeDeleted?: boolean;
  writeMode?: string;
  publish: boolean;
}

export function registerMatch(program: Command): void {
  program
    .command('match')
    .description('compute exact top-k matches in both directions and publish them atomically to match_results')
    .option('--top-k <n>', 'results per talent and per job posting (env FITMATCH_TOP_K; default 50)')
    .option('--weights <list>', 'facet weights, e.g. roles=2,skills=1.5,growth=0 (env FITMATCH_WEIGHTS; default 1 each)')
    .option('--memory <size>', 'memory budget for embeddings and score blocks, e.g. 2GB (env FITMATCH_MEMORY; default 2GB)')
    .option('--threads <n>', 'compute threads (env FITMATCH_THREADS; default 2)')
    .option('--timezone <zone>', 'zone whose calendar date decides expired deadlines (env FITMATCH_TIMEZONE; default Asia/Seoul)')
    .option('--today <date>', 'compare deadlines with this date, YYYY-MM-DD, instead of today in --timezone (env FITMATCH_TODAY)')
    .option('--job-statuses <list>', 'job posting statuses to match (env FITMATCH_JOB_STATUSES; default PUBLISHED)')
    .option('--include-expired', 'also match postings whose deadline has passed (env FITMATCH_INCLUDE_EXPIRED)')
    .option('--include-deleted', 'also match soft-deleted users, profiles and postings (env FITMATCH_INCLUDE_DELETED)')
    .option('--write-mode <mode>', 'auto, load-data or insert (env FITMATCH_WRITE_MODE; default auto: LOAD DATA LOCAL when the server allows it)')
    .option('--no-publish', 'compute and stage the results, but leave match_results unchanged')
    .action(async (o: MatchFlags, cmd: Command) => {
      const flags = {
        ...globalFlags(cmd),
        topK: o.topK,
        weights: o.weights,
        memory: o.memory,
        threads: o.threads,
        timezone: o.timezone,
        today: o.today,
        jobStatuses: o.jobStatuses,
        includeExpired: o.includeExpired,
        includeDeleted: o.includeDeleted,
        writeMode: o.writeMode,
      };
      const pause = Number(process.env.FITMATCH_TEST_PAUSE_BEFORE_PUBLISH_MS ?? 0) || 0;
      process.exitCode = await runCommand(flags, async (ctx) => {
        await match({ publish: o.publish, pauseBeforePublishMs: pause }, ctx);
      });
    });
}
