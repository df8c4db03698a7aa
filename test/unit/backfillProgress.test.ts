import { describe, expect, it } from 'vitest';
import { createLogger, memoryLogger } from '../../src/log.js';
import { barText, createProgress, withPhaseBar } from '../../src/progress.js';
import { createStatusLine } from '../../src/statusLine.js';
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

/** A status line that records what was drawn, and resolves `drawn` at the first draw. */
function recordingLine() {
  const out: string[] = [];
  let onDraw: () => void = () => {};
  const line = createStatusLine({ write: (s: string) => (out.push(s), onDraw(), true) } as unknown as NodeJS.WritableStream);
  return { line, out, text: () => out.join(''), drawn: () => new Promise<void>((resolve) => (onDraw = resolve)) };
}

describe('withPhaseBar', () => {
  it('on a TTY, shows a phase that lasts beyond the delay, by name, until it ends, then erases it', async () => {
    const c = recordingLine();
    const out = await withPhaseBar(memoryLogger('human'), 'run 7: building indexes', async () => {
      await c.drawn(); // the phase ends once the bar has been drawn
      return 42;
    }, { tty: true, line: c.line, delayMs: 0 });
    expect(out).toBe(42);
    expect(c.text()).toContain('run 7: building indexes … ');
    expect(c.out.at(-1)).toBe('\r\x1b[K');
  });

  it('shows nothing without a TTY, or for a phase shorter than the delay', async () => {
    const c = recordingLine();
    expect(await withPhaseBar(memoryLogger('json'), 'merging', async () => 1, { tty: false, line: c.line, delayMs: 0 })).toBe(1);
    expect(await withPhaseBar(memoryLogger('human'), 'merging', async () => 2, { tty: true, line: c.line, delayMs: 60_000 })).toBe(2);
    expect(c.out).toEqual([]);
  });
});

describe('a progress bar on a terminal', () => {
  /** What a terminal shows after `chunks`: \r returns to the line's start, \x1b[K erases to its end, \n starts a new line. */
  function screen(chunks: string[]): string[] {
    const lines: string[] = [''];
    let col = 0;
    for (const part of chunks.join('').split(/(\r|\n|\x1b\[K)/)) {
      if (part === '\r') col = 0;
      else if (part === '\n') (lines.push(''), (col = 0));
      else if (part === '\x1b[K') lines[lines.length - 1] = lines.at(-1)!.slice(0, col);
      else if (part) {
        const cur = lines.at(-1)!;
        lines[lines.length - 1] = cur.slice(0, col) + part + cur.slice(col + part.length);
        col += part.length;
      }
    }
    return lines;
  }

  it('log lines go above the bar, never glued onto it; the bar ends on its own line; no ETA at 0%', () => {
    const c = recordingLine();
    let t = 0;
    const log = createLogger({ format: 'human', write: (l) => c.line.above(l) });
    const p = createProgress(log, { task: 'match run 2: blocks', total: 4, unit: 'blocks', tty: true, line: c.line, now: () => t, width: 200 });
    expect(screen(c.out).at(-1)).toMatch(/^match run 2: blocks \[░+\] 0\/4 blocks 0%$/);
    for (let i = 0; i < 4; i++) {
      t += 1000;
      p.tick(1);
      log.info(`block ${i} done`);
    }
    p.stop();
    const shown = screen(c.out);
    expect(shown.filter((l) => l.startsWith('block '))).toEqual(['block 0 done', 'block 1 done', 'block 2 done', 'block 3 done']);
    expect(shown.filter((l) => l.includes('['))).toEqual([expect.stringMatching(/^match run 2: blocks \[█+\] 4\/4 blocks 100% eta 0s$/)]);
    expect(shown.at(-1)).toBe('');
    expect(barText('x', 1, 4, 'blocks', 2000, 200)).toMatch(/1\/4 blocks 25% eta 6s$/);
  });
});
