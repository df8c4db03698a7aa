import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, main } from '../../src/cli.js';

const program = buildProgram();
const command = (name: string) => program.commands.find((c) => c.name() === name)!;
const described = (c: Command) => new Map(c.options.map((o) => [o.long!, o.description]));

describe('run takes the flags of match and backfill', () => {
  it('registers the same definitions, less the ones it documents as not offered', () => {
    const run = described(command('run'));
    const notOffered = { match: ['--resume', '--shard', '--run-key', '--block-rows', '--no-publish', '--max-backfill-age'], backfill: ['--dry-run', '--report-json', '--max-shrink', '--allow-shrink'] };
    for (const [name, skip] of Object.entries(notOffered)) {
      for (const [flag, description] of described(command(name))) {
        if (skip.includes(flag)) continue;
        expect(run.get(flag), `${name} ${flag}`).toBe(description);
      }
    }
    // --max-shrink/--allow-shrink come once, from match, for both phases; --report-json is run's own summary.
    expect(run.get('--max-shrink')).toBe(described(command('match')).get('--max-shrink'));
    expect([...run.keys()].filter((f) => ['--migrate', '--strict', '--report-json', '--dry-run', '--resume'].includes(f))).toEqual(['--migrate', '--strict', '--report-json']);
  });

  it('backfill keeps its flags and defaults', () => {
    const b = command('backfill');
    expect(b.options.map((o) => o.long)).toEqual([
      '--source', '--full', '--dry-run', '--dim', '--batch-size', '--report-json', '--max-shrink', '--allow-shrink',
      '--provider', '--embed-model', '--embed-dimensions', '--openai-base-url', '--embed-batch-size', '--embed-concurrency', '--json',
    ]);
    expect(b.options.find((o) => o.long === '--source')!.defaultValue).toBe('matching_vectors');
  });

  it('rejects malformed values of the new commands with a usage error (exit 2), before connecting', async () => {
    const quiet = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(await main(['node', 'fitmatch', 'status', '--max-age', 'soon'])).toBe(2);
      expect(await main(['node', 'fitmatch', 'explain', '--talent', 'x1'])).toBe(2);
      expect(await main(['node', 'fitmatch', 'run', '--dry-run'])).toBe(2);
    } finally {
      process.stderr.write = quiet;
    }
  });
});
