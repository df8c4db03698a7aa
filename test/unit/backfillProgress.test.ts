import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/log.js';
import { Writable } from 'node:stream';
import { createProgress, withPhaseBar } from '../../src/progress.js';
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

describe('withPhaseBar', () => {
  const capture = () => {
    const chunks: string[] = [];
    let onWrite: () => void = () => {};
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        onWrite();
        cb();
      },
    });
    return { stream, chunks, written: () => new Promise<void>((resolve) => (onWrite = resolve)) };
  };

  it('on a TTY, shows a phase that lasts beyond the delay, by name, until it ends', async () => {
    const c = capture();
    const out = await withPhaseBar(memoryLogger('human'), 'run 7: building indexes', async () => {
      await c.written(); // the phase ends once the bar has been drawn
      return 42;
    }, { tty: true, stream: c.stream, delayMs: 0 });
    expect(out).toBe(42);
    expect(c.chunks.join('')).toContain('run 7: building indexes');
  });

  it('shows nothing without a TTY, or for a phase shorter than the delay', async () => {
    const c = capture();
    expect(await withPhaseBar(memoryLogger('json'), 'merging', async () => 1, { tty: false, stream: c.stream, delayMs: 0 })).toBe(1);
    expect(await withPhaseBar(memoryLogger('human'), 'merging', async () => 2, { tty: true, stream: c.stream, delayMs: 60_000 })).toBe(2);
    expect(c.chunks).toEqual([]);
  });
});
