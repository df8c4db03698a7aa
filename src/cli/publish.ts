import { Option, type Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { cleanup } from '../commands/cleanup.js';
import { publish } from '../commands/publish.js';
import { parseDuration } from '../config/numbers.js';
import { cleanupReport, publishReport } from '../commands/commandReports.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('merge and publish a run whose blocks are all done (a shared run, or one computed with --no-publish), or publish a rolled-back set again; only over an older set unless --force')
    .option('--run-key <key>', 'the run to publish, by the key its shards share')
    .addOption(new Option('--run-id <n>', 'the run to publish, by its match_runs id').argParser(intArg('--run-id', 1)))
    .option('--max-shrink <share>', 'refuse a set with this much fewer talents or postings with matches (env FITMATCH_MAX_SHRINK; default 50%)')
    .option('--allow-shrink', 'publish even when the new set shrank more than --max-shrink')
    .option('--allow-empty', 'publish even a set with no match at all (match_results would be empty)')
    .option('--force', 'publish even over a published set whose snapshot is newer (publishes only move forward otherwise, exit 15)')
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)')
    .action(async (o: { runKey?: string; runId?: number; maxShrink?: string; allowShrink?: boolean; allowEmpty?: boolean; force?: boolean; json?: boolean }, cmd: Command) => {
      process.exitCode = await runCommand({ ...globalFlags(cmd), maxShrink: o.maxShrink }, async (ctx) => publishReport(await publish({ runKey: o.runKey, runId: o.runId, allowShrink: o.allowShrink, allowEmpty: o.allowEmpty, force: o.force }, ctx)), { json: o.json });
    });
  program
    .command('cleanup')
    .description('abandon unpublished runs that will not finish, dropping their staging tables (never touches match_results)')
    .addOption(
      new Option('--older-than <duration>', 'abandon runs with no progress for this long, e.g. 48h').default('48h').argParser((raw) => {
        const ms = parseDuration(raw);
        if (Number.isNaN(ms)) throw new Error(`--older-than must be a duration such as 36h or 2d, got "${raw}"`);
        return raw;
      }),
    )
    .option('--run-key <key>', 'abandon this run now, whatever its age')
    .addOption(new Option('--run-id <n>', 'abandon this run (by id) now, whatever its age').argParser(intArg('--run-id', 1)))
    .option('--dry-run', 'say what would be cleaned, change nothing')
    .option('--json', 'print the report as one JSON document on stdout (logs stay on stderr)')
    .action(async (o: { olderThan: string; runKey?: string; runId?: number; dryRun?: boolean; json?: boolean }, cmd: Command) => {
      process.exitCode = await runCommand(
        globalFlags(cmd),
        async (ctx) => cleanupReport(await cleanup({ olderThanMs: parseDuration(o.olderThan), runKey: o.runKey, runId: o.runId, dryRun: o.dryRun }, ctx), !!o.dryRun),
        { json: o.json },
      );
    });
}
