import { expect } from 'vitest';
import { runFitmatch } from './fitmatchProcess.js';

/**
 * A realistic dataset through the real CLI: `seed` into the app's tables, then
 * `migrate` and `backfill`, each expected to succeed. 2000 × 400 at dim 64 is
 * about 1750 eligible talents × 230 postings: `match --block-rows 10` has ~175 blocks.
 */
export async function seedDataset(url: string, o: { talents?: number; jobs?: number; dim?: number } = {}): Promise<void> {
  const env = { DATABASE_URL: url, FITMATCH_LOG_FORMAT: 'json' };
  const steps = [
    ['seed', '--talents', String(o.talents ?? 2000), '--jobs', String(o.jobs ?? 400), '--dim', String(o.dim ?? 64)],
    ['migrate'],
    ['backfill'],
  ];
  for (const args of steps) {
    const r = await runFitmatch(args, { env });
    expect(r.code, `fitmatch ${args.join(' ')}:\n${r.stderr}`).toBe(0);
  }
}
