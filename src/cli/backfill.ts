import { Option, type Command } from 'commander';
import { globalFlags } from '../cli.js';
import { backfill } from '../commands/backfill.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';


export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description("fill talent_embeddings / job_embeddings from the app's matching_vectors or from text (incremental)")
    .addOption(new Option('--source <source>', 'where vectors come from').choices(['matching_vectors', 'text']).default('matching_vectors'))
    .option('--full', 'recompute every entity, ignoring stored hashes')
    .option('--dry-run', 'report what would change; write nothing')
    .option('--dim <n>', 'expected length of every facet (default: the most common length per facet)', intArg('--dim', 1))
    .option('--batch-size <n>', 'source rows per read/write batch (default 100; text: 200)', intArg('--batch-size', 1))
    .option('--report-json <file>', 'write the summary as JSON to this file')
    .option('--max-shrink <share>', 'refuse to remove more than this share of the stored talents or postings (env FITMATCH_MAX_SHRINK; default 50%)')
    .option('--allow-shrink', 'remove stored embeddings even beyond --max-shrink (the source really lost them)')
    .option('--provider <name>', 'text embedding provider: hash or openai (env FITMATCH_EMBED_PROVIDER)')
    .option('--embed-model <model>', 'openai model (env FITMATCH_EMBED_MODEL; default text-embedding-3-small)')
    .option('--embed-dimensions <n>', 'embedding dimensions (openai `dimensions`; hash default 256)')
    .option('--openai-base-url <url>', 'OpenAI-compatible API base URL (env OPENAI_BASE_URL); the key is read only from OPENAI_API_KEY')
    .option('--embed-batch-size <n>', 'texts per embedding request (env FITMATCH_EMBED_BATCH)')
    .option('--embed-concurrency <n>', 'embedding requests in flight (env FITMATCH_EMBED_CONCURRENCY)')
    .action(async (o, cmd: Command) => {
      const flags = {
        ...globalFlags(cmd),
        provider: o.provider,
        embedModel: o.embedModel,
        embedDimensions: o.embedDimensions,
        openaiBaseUrl: o.openaiBaseUrl,
        embedBatchSize: o.embedBatchSize,
        embedConcurrency: o.embedConcurrency,
        maxShrink: o.maxShrink,
      };
      process.exitCode = await runCommand(flags, async (ctx) => {
        await backfill({ source: o.source, full: !!o.full, dryRun: !!o.dryRun, dim: o.dim, batchSize: o.batchSize, reportJson: o.reportJson, allowShrink: !!o.allowShrink }, ctx);
      });
    });
}
