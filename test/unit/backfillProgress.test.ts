import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log.js';
import { createProgress } from '../../src/progress.js';
import { countReason, formatSummary, newSummary, totalWrites } from '../../src/backfill/summary.js';

describe('createProgress without a TTY', () => {
  it('is throttled by time: the first tick, then one per interval, and the last', () => {
    const log = memoryLogger('json');
    let t = 0;
    const p = createProgress(log, { task: 'backfill', total: 1000, unit: 'rows', tty: false, intervalMs: 30_000, now: () => t });
    for (let i = 0; i < 100; i++) {
      p.tick(10);
      t += 1000; // 100 ticks over 100 s
    }
    const done = log.lines.map((l) => JSON.parse(l).done);
    expect(done).toEqual([10, 310, 610, 910, 1000]);
  });

  it('emits one JSON progress event per tick with running totals', () => {
    const log = memoryLogger('json');
    const p = createProgress(log, { task: 'backfill', total: 10, unit: 'rows', tty: false });
    p.tick(4, { inserted: 4 });
    p.tick(6);
    p.stop();
    const events = log.lines.map((l) => JSON.parse(l));
    expect(events.map((e) => [e.event, e.task, e.done, e.total])).toEqual([
      ['progress', 'backfill', 4, 10],
      ['progress', 'backfill', 10, 10],
    ]);
    expect(events[0].inserted).toBe(4);
  });
});

describe('summary', () => {
  it('keeps at most five examples per reason and says when there is nothing to do', () => {
    const s = newSummary('matching_vectors', { dryRun: false, full: false });
    for (let i = 1; i <= 7; i++) countReason(s.rowSkips, 'no_talent_profile', i);
    expect(s.rowSkips.no_talent_profile).toEqual({ count: 7, examples: ['1', '2', '3', '4', '5'] });
    s.entity.talents.unchanged = 3;
    expect(totalWrites(s)).toBe(0);
    expect(formatSummary(s).at(-1)).toBe('nothing to do: embeddings are up to date');
    s.entity.jobs.removed = 1;
    expect(totalWrites(s)).toBe(1);
    expect(formatSummary(s)).toContain('jobs: 0 inserted, 0 updated, 0 unchanged, 1 removed');
  });
});
