import { Option, type Command } from 'commander';
import { globalFlags } from './globalFlags.js';
import { explain } from '../commands/explain.js';
import { runCommand } from '../runCommand.js';
import { intArg } from './args.js';

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description("why a talent–posting pair is (or is not) in the published results: its score per facet, its rank both ways, the first rule that excludes it; one side alone lists that side's published results")
    .addOption(new Option('--talent <id>', 'talent user id').argParser(intArg('--talent', 1)))
    .addOption(new Option('--job <id>', 'job posting id').argParser(intArg('--job', 1)))
    .option('--json', "machine-readable output on stdout (a pair: the app's /api/match/score shape plus published and absent_because)")
    .action(async (o: { talent?: number; job?: number; json?: boolean }, cmd: Command) => {
      process.exitCode = await runCommand(globalFlags(cmd), async (ctx, stdout) => void (await explain({ talentId: o.talent, jobId: o.job, json: o.json, write: stdout }, ctx)), { json: o.json });
    });
}
