import { Option, type Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { backfill, type BackfillOptions } from '../commands/backfill.js';
import { backfillReport } from '../commands/commandReports.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

/** Backfill's flags, by the option key commander gives them; `run` registers a subset of the same definitions. */
const BACKFILL_OPTIONS = {
  source: () => new Option('--source <source>', 'where vectors come from').choices(['matching_vectors', 'text']).default('matching_vectors'),
  full: () => new Option('--full', 'recompute every entity, ignoring stored hashes'),
  dryRun: () => new Option('--dry-run', 'report what would change; write nothing'),
  dim: () => new Option('--dim <n>', 'expected length of every facet (default: the most common length per facet)').argParser(intArg('--dim', 1)),
  batchSize: () => new Option('--batch-size <n>', 'source rows per read/write batch (default 100; text: 200)').argParser(intArg('--batch-size', 1)),
  reportJson: () => new Option('--report-json <file>', 'write the summary as JSON to this file'),
  maxShrink: () => new Option('--max-shrink <share>', 'refuse to remove more than this share of the stored talents or postings (env FITMATCH_MAX_SHRINK; default 50%)'),
  allowShrink: () => new Option('--allow-shrink', 'remove stored embeddings even beyond --max-shrink (the source really lost them)'),
  provider: () => new Option('--provider <name>', 'text embedding provider: hash or openai (env FITMATCH_EMBED_PROVIDER)'),
  embedModel: () => new Option('--embed-model <model>', 'openai model (env FITMATCH_EMBED_MODEL; default text-embedding-3-small)'),
  embedDimensions: () => new Option('--embed-dimensions <n>', 'embedding dimensions (openai `dimensions`; hash default 256)'),
  openaiBaseUrl: () => new Option('--openai-base-url <url>', 'OpenAI-compatible API base URL (env OPENAI_BASE_URL); the key is read only from OPENAI_API_KEY'),
  embedBatchSize: () => new Option('--embed-batch-size <n>', 'texts per embedding request (env FITMATCH_EMBED_BATCH)'),
  embedConcurrency: () => new Option('--embed-concurrency <n>', 'embedding requests in flight (env FITMATCH_EMBED_CONCURRENCY)'),
};
export type BackfillOptionKey = keyof typeof BACKFILL_OPTIONS;
export const BACKFILL_OPTION_KEYS = Object.keys(BACKFILL_OPTIONS) as BackfillOptionKey[];

export type BackfillFlags = {
  source: BackfillOptions['source'];
  full?: boolean;
  dryRun?: boolean;
  dim?: number;
  batchSize?: number;
  reportJson?: string;
  maxShrink?: string;
  allowShrink?: boolean;
  provider?: string;
  embedModel?: string;
  embedDimensions?: string;
  openaiBaseUrl?: string;
  embedBatchSize?: string;
  embedConcurrency?: string;
};

/** Adds backfill's flags (all, or the given ones) to `cmd`. */
export function addBackfillOptions(cmd: Command, keys: readonly BackfillOptionKey[] = BACKFILL_OPTION_KEYS): Command {
  for (const key of keys) cmd.addOption(BACKFILL_OPTIONS[key]());
  return cmd;
}

/** The settings among backfill's flags, keyed by setting name for loadConfig(). */
export const backfillConfigFlags = (o: BackfillFlags) => ({
  provider: o.provider,
  embedModel: o.embedModel,
  embedDimensions: o.embedDimensions,
  openaiBaseUrl: o.openaiBaseUrl,
  embedBatchSize: o.embedBatchSize,
  embedConcurrency: o.embedConcurrency,
  maxShrink: o.maxShrink,
});

/** The backfill command's own options among the flags. */
export const backfillOptions = (o: BackfillFlags): BackfillOptions => ({
  source: o.source,
  full: !!o.full,
  dryRun: !!o.dryRun,
  dim: o.dim,
  batchSize: o.batchSize,
  reportJson: o.reportJson,
  allowShrink: !!o.allowShrink,
});

export function registerBackfill(program: Command): void {
  addBackfillOptions(program.command('backfill').description("fill talent_embeddings / job_embeddings from the app's matching_vectors or from text (incremental)"))
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)').action(
    async (o: BackfillFlags & { json?: boolean }, cmd: Command) => {
      process.exitCode = await runCommand({ ...globalFlags(cmd), ...backfillConfigFlags(o) }, async (ctx) => backfillReport(await backfill(backfillOptions(o), ctx)), { json: o.json });
    },
  );
}
