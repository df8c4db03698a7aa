import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../config/numbers.js';
import { SKIP_IF_LOCKED_HELP, skipIfLocked } from './skipIfLocked.js';
import { globalFlags } from './globalFlags.js';
import { match } from '../commands/match.js';
import { parseShard } from '../runs/shardSpec.js';
import { ExitCode, FitmatchError, messageOf } from '../errors.js';
import { matchReport } from '../commands/commandReports.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

interface MatchFlags {
  topK?: string;
  reserve?: string;
  weights?: string;
  memory?: string;
  threads?: string;
  kernel?: string;
  timezone?: string;
  today?: string;
  jobStatuses?: string;
  includeExpired?: boolean;
  includeDeleted?: boolean;
  writeMode?: string;
  maxShrink?: string;
  allowShrink?: boolean;
  allowEmpty?: boolean;
  publish: boolean;
  resume?: boolean;
  incremental?: boolean;
  maxChange?: string;
  waitLock?: string;
  vectorCache?: string;
  shard?: string;
  runKey?: string;
  blockRows?: number;
  json?: boolean;
  maxBackfillAge?: number;
  skipIfLocked?: boolean;
}

/** Flags that decide what a run computes; `run` shares them. */
export function addMatchOptions(cmd: Command): Command {
  return cmd
    .option('--top-k <n>', 'results per talent and per job posting (env FITMATCH_TOP_K; default 50)')
    .option('--reserve <n>', 'candidates kept beyond --top-k per subject, for exact incremental repairs (env FITMATCH_RESERVE; default 16, min 8)')
    .option('--weights <list>', 'facet weights, e.g. roles=2,skills=1.5,growth=0 (env FITMATCH_WEIGHTS; default 1 each)')
    .option('--memory <size>', 'memory budget for embeddings and score blocks, e.g. 2GB (env FITMATCH_MEMORY; default 2GB, min 256MB)')
    .option('--threads <n>', 'compute threads (env FITMATCH_THREADS; default 2)')
    .option('--kernel <kind>', 'candidate pass: fp32, int8 or auto (measure both here and take the faster); scores are exact either way (env FITMATCH_KERNEL; default auto)')
    .option('--timezone <zone>', 'zone whose calendar date decides expired deadlines (env FITMATCH_TIMEZONE; default Asia/Seoul)')
    .option('--today <date>', 'compare deadlines with this date, YYYY-MM-DD, instead of today in --timezone (env FITMATCH_TODAY)')
    .option('--job-statuses <list>', 'job posting statuses to match (env FITMATCH_JOB_STATUSES; default PUBLISHED)')
    .option('--include-expired', 'also match postings whose deadline has passed (env FITMATCH_INCLUDE_EXPIRED)')
    .option('--include-deleted', 'also match soft-deleted users, profiles and postings (env FITMATCH_INCLUDE_DELETED)')
    .option('--write-mode <mode>', 'auto, load-data or insert (env FITMATCH_WRITE_MODE; default auto: LOAD DATA LOCAL when the server allows it)')
    .option('--max-shrink <share>', 'refuse to publish a set with this much fewer talents or postings with matches than the published one (env FITMATCH_MAX_SHRINK; default 50%)')
    .option('--allow-shrink', 'publish even when the new set shrank more than --max-shrink')
    .option('--allow-empty', 'publish even a set with no match at all (refused by default, the first publish too: exit 8)')
    .option('--incremental', 'update the published set for what changed since its run, exactly: only the rows that leave, enter or change are deleted and inserted (falls back to a full run when it cannot)')
    .option('--wait-lock <duration>', 'wait this long for a running match, incremental run or backfill to finish instead of exiting 4 at once, e.g. 30m (env FITMATCH_WAIT_LOCK; default 0)')
    .option('--max-change <share>', 'with --incremental: run a full run instead when more than this share of talents or postings changed (env FITMATCH_MAX_CHANGE; default 25%)')
    .option('--vector-cache <dir>', 'keep a local copy of the vectors in <dir>, checked against vectors_hash, so unchanged vectors are not read from the database again (env FITMATCH_VECTOR_CACHE; default: none)');
}

export const matchFlags = (o: MatchFlags, cmd: Command) => ({
  ...globalFlags(cmd),
  topK: o.topK,
  reserve: o.reserve,
  weights: o.weights,
  memory: o.memory,
  threads: o.threads,
  kernel: o.kernel,
  timezone: o.timezone,
  today: o.today,
  jobStatuses: o.jobStatuses,
  includeExpired: o.includeExpired,
  includeDeleted: o.includeDeleted,
  writeMode: o.writeMode,
  maxShrink: o.maxShrink,
  maxChange: o.maxChange,
  waitLock: o.waitLock,
  vectorCache: o.vectorCache,
});

export function registerMatch(program: Command): void {
  addMatchOptions(
    program.command('match').description('compute exact top-k matches in both directions and publish them atomically to match_results'),
  )
    .option('--resume', 'continue the newest one-process run that stopped before publishing (killed, interrupted, failed)')
    .option('--shard <I/N>', 'be shard I of N (0-based) of a run shared by N processes; "auto": I from JOB_COMPLETION_INDEX, N from FITMATCH_SHARDS')
    .option('--run-key <key>', 'names the run all shards share, e.g. the Kubernetes Job name (env FITMATCH_RUN_KEY)')
    .addOption(new Option('--block-rows <n>', 'talents per block, the unit of work a crash can lose (default: sized from --memory)').argParser(intArg('--block-rows', 1)))
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)')
    .addOption(
      new Option('--max-backfill-age <duration>', 'refuse (exit 31) unless the newest backfill run succeeded and finished within this, e.g. 6h: a failed backfill stops the match instead of letting it use old vectors').argParser((raw) => {
        const ms = parseDuration(raw);
        if (!(ms > 0)) throw new InvalidArgumentError(`--max-backfill-age must be a duration such as 6h, got "${raw}"`);
        return ms;
      }),
    )
    .option('--skip-if-locked', SKIP_IF_LOCKED_HELP)
    .option('--no-publish', 'compute and stage the run, but leave match_results unchanged (publish it later with `fitmatch publish --run-id N`)')
    .action(async (o: MatchFlags, cmd: Command) => {
      process.exitCode = await runCommand(matchFlags(o, cmd), async (ctx) => {
        const runKey = o.runKey ?? process.env.FITMATCH_RUN_KEY;
        const shard = o.shard === undefined ? undefined : parseShardOrUsage(o.shard);
        if (o.skipIfLocked) return skipIfLocked(async () => matchReport(await match({ publish: o.publish, resume: o.resume, incremental: o.incremental, shard, runKey: runKey || undefined, allowShrink: o.allowShrink, allowEmpty: o.allowEmpty, blockRows: o.blockRows, maxBackfillAgeMs: o.maxBackfillAge }, ctx)), ctx.log);
        return matchReport(await match({ publish: o.publish, resume: o.resume, incremental: o.incremental, shard, runKey: runKey || undefined, allowShrink: o.allowShrink, allowEmpty: o.allowEmpty, blockRows: o.blockRows, maxBackfillAgeMs: o.maxBackfillAge }, ctx));
      }, { json: o.json });
    });
}

function parseShardOrUsage(raw: string) {
  try {
    return parseShard(raw, process.env);
  } catch (e) {
    throw new FitmatchError(messageOf(e), ExitCode.USAGE);
  }
}
