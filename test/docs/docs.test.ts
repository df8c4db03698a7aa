import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import {
  allFlags,
  commandProblems,
  docFiles,
  envProblems,
  helpTree,
  invocationProblems,
  invocations,
  linkProblems,
  sourceText,
  type DocFile,
  type HelpTree,
} from './docsCheck.js';

/**
 * The README and docs/ against the code: a command, flag or environment
 * variable that does not exist, or a relative link that leads nowhere, fails.
 * The flags come from the real help text of the commander program bin/fitmatch
 * runs (buildProgram() has no side effects), command by command.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const program: HelpTree = helpTree(buildProgram());
const helpText = (function all(t: HelpTree): string {
  return [t.path, ...t.flags.keys(), ...[...t.commands.values()].map((c) => (c ? all(c) : ''))].join('\n');
})(program);
const SOURCE = sourceText(ROOT, ['src', 'scripts', 'bench', 'bin', 'test/helpers']) + '\n' + helpText;
const read = (abs: string) => (existsSync(abs) ? readFileSync(abs, 'utf8') : null);
const files = docFiles(ROOT);

describe('the help tree the docs are checked against', () => {
  it('has every command and their flags', () => {
    expect([...program.commands.keys()].sort()).toEqual(['backfill', 'cleanup', 'explain', 'help', 'match', 'migrate', 'publish', 'rollback', 'run', 'seed', 'status', 'watch']);
    expect([...program.commands.get('migrate')!.commands.keys()]).toEqual(['status']);
    expect(program.commands.get('match')!.flags.get('--top-k')).toBe(true);
    expect(program.commands.get('match')!.flags.get('--no-publish')).toBe(false);
    expect(program.flags.has('--database-url') && program.flags.has('-v') && program.flags.has('--help')).toBe(true);
  });
});

describe.each(files.map((f) => [f.path, f] as const))('%s', (_path, file) => {
  it('has no broken relative link or anchor', () => {
    expect(linkProblems(file, ROOT, read)).toEqual([]);
  });
  it('uses only fitmatch commands and flags that --help lists', () => {
    expect(commandProblems(file, program)).toEqual([]);
  });
  it('names only environment variables that exist in the source', () => {
    expect(envProblems(file, SOURCE)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const doc = (text: string): DocFile => ({ path: 'docs/operations.md', text });

  it('finds fitmatch invocations in shell lines, cron lines and prompts, and nothing else', () => {
    expect(invocations('*/10 * * * * cd /opt/fitmatch && npx fitmatch run --incremental >> /var/log/fitmatch.log 2>&1')).toEqual([['run', '--incremental']]);
    expect(invocations("$ DATABASE_URL='mysql://x' fitmatch --log-format human migrate status # note")).toEqual([['--log-format', 'human', 'migrate', 'status']]);
    expect(invocations('node /app/bin/fitmatch match --shard auto')).toEqual([['match', '--shard', 'auto']]);
    expect(invocations('kubectl -n fitmatch create job --from=cronjob/fitmatch-match x')).toEqual([]);
    expect(invocations('npm run bench -- match --talents 100000')).toEqual([]);
  });

  it('rejects a made-up flag, command or subcommand, and accepts real ones', () => {
    expect(invocationProblems(['run', '--incremental', '--max-change', '10%'], program)).toEqual([]);
    expect(invocationProblems(['--log-format', 'json', 'migrate', '--migrations-dir', 'd', 'status', '--json'], program)).toEqual([]);
    expect(invocationProblems(['run', '--no-such-flag'], program)).toEqual(['fitmatch run: unknown flag --no-such-flag']);
    expect(invocationProblems(['run', '--resume'], program)).toEqual(['fitmatch run: unknown flag --resume']); // match's, not run's
    expect(invocationProblems(['frobnicate'], program)).toEqual(['fitmatch: unknown command "frobnicate"']);
    expect(invocationProblems(['migrate', 'rewind'], program)).toEqual(['fitmatch migrate: unknown command "rewind"']);
  });

  it('fails a document with a fake flag, in a code block, in a code span, or alone', () => {
    const problems = commandProblems(doc(['```sh', 'fitmatch match --top-k 5 --turbo', '```', 'Use `fitmatch status --since 2h`, or `--warp-speed`.'].join('\n')), program);
    expect(problems).toEqual([
      'docs/operations.md:4: fitmatch status: unknown flag --since',
      'docs/operations.md:2: fitmatch match: unknown flag --turbo',
      'docs/operations.md:4: --warp-speed is not a flag of any fitmatch command',
    ]);
  });

  it('fails an environment variable the code does not read', () => {
    expect(envProblems(doc('Set `FITMATCH_TOP_K` and FITMATCH_TURBO_MODE=1.'), SOURCE)).toEqual(['docs/operations.md:1: FITMATCH_TURBO_MODE does not appear in the source or in --help']);
  });

  it('fails a link to a missing file or heading, and follows GitHub slugs', () => {
    const text = [
      '[ok](match.md#rollback) [ok](../README.md#exit-codes) [ok](#a-heading-with-code-and-punctuation)',
      '[gone](nowhere.md) [bad anchor](match.md#no-such-heading) [web](https://example.com/x.md)',
      '## A heading with `code` and punctuation!',
    ].join('\n');
    expect(linkProblems(doc(text), ROOT, read)).toEqual([
      'docs/operations.md:2: link nowhere.md: docs/nowhere.md does not exist',
      'docs/operations.md:2: link match.md#no-such-heading: no heading of docs/match.md has the anchor #no-such-heading',
    ]);
  });

  it('knows every flag of every command', () => {
    const flags = allFlags(program);
    for (const f of ['--incremental', '--shard', '--run-key', '--max-age', '--talent', '--older-than', '--check', '--query-timeout']) expect(flags).toContain(f);
  });
});

describe('rollback, defined once', () => {
  it('README, docs/match.md, docs/operations.md and `rollback --help` say it in the same words', async () => {
    const { ROLLBACK_RULE } = await import('../../src/runs/rollbackPlan.js');
    const flat = (s: string) => s.replace(/\s+/g, ' ');
    for (const f of ['README.md', 'docs/match.md', 'docs/operations.md']) expect(flat(readFileSync(`${ROOT}/${f}`, 'utf8')), f).toContain(ROLLBACK_RULE);
    const rollback = buildProgram().commands.find((c) => c.name() === 'rollback')!;
    let help = '';
    rollback.configureOutput({ writeOut: (s) => (help += s) });
    rollback.outputHelp();
    expect(flat(help)).toContain(ROLLBACK_RULE);
  });
});
