import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { eligibilityNow } from '../../src/status/eligibilityNow.js';
import { statusExitCode, statusProblems, type HealthFacts } from '../../src/status/statusProblems.js';

const NOW = new Date('2026-06-15T03:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const facts = (o: Partial<HealthFacts>): HealthFacts => ({ now: NOW, published: { runId: 3, publishedAt: hoursAgo(2), rows: 10 }, maxAgeMs: 36 * 3_600_000, lastRuns: [], ...o });

describe('status health', () => {
  it('is healthy with a fresh published run and successful last runs', () => {
    const p = statusProblems(facts({ lastRuns: [{ kind: 'match', id: 3, status: 'succeeded', error: null }, { kind: 'backfill', id: 2, status: 'succeeded', error: null }] }));
    expect(p).toEqual([]);
    expect(statusExitCode(p)).toBe(ExitCode.OK);
  });

  it('exits 20 when the published run is older than --max-age, never without a limit', () => {
    const p = statusProblems(facts({ published: { runId: 3, publishedAt: hoursAgo(40), rows: 10 } }));
    expect(p).toEqual([expect.objectContaining({ kind: 'stale', exitCode: 20, message: 'the published run 3 is 1d 16h old, more than --max-age 1d 12h' })]);
    expect(statusExitCode(p)).toBe(ExitCode.STATUS_STALE);
    expect(statusProblems(facts({ published: { runId: 3, publishedAt: hoursAgo(400), rows: 10 }, maxAgeMs: null }))).toEqual([]);
  });

  it('exits 21 when the last run of a kind failed, was interrupted or died', () => {
    for (const status of ['failed', 'interrupted'] as const) {
      const p = statusProblems(facts({ lastRuns: [{ kind: 'backfill', id: 9, status, error: 'lost the database connection\n  at stack' }] }));
      expect(p.map((x) => x.message)).toEqual([`the last backfill run (9) ${status}: lost the database connection`]);
      expect(statusExitCode(p)).toBe(ExitCode.STATUS_FAILED);
    }
    const dead = statusProblems(facts({ lastRuns: [{ kind: 'match', id: 4, status: 'running', error: null, dead: true }] }));
    expect(dead[0].message).toBe('the last match run (4) is still marked running but no process holds its lock (the process died)');
    expect(statusProblems(facts({ lastRuns: [{ kind: 'match', id: 4, status: 'running', error: null }] }))).toEqual([]);
  });

  it('exits 22 when nothing was ever published; precedence 22 > 21 > 20 with every problem listed', () => {
    const never = statusProblems(facts({ published: null }));
    expect(statusExitCode(never)).toBe(ExitCode.STATUS_INCOMPLETE);
    const all = statusProblems(facts({ published: null, lastRuns: [{ kind: 'match', id: 1, status: 'failed', error: 'x' }] }));
    expect(all.map((p) => p.exitCode)).toEqual([22, 21]);
    expect(statusExitCode(all)).toBe(22);
    const failedAndStale = statusProblems(facts({ published: { runId: 1, publishedAt: hoursAgo(50), rows: 10 }, lastRuns: [{ kind: 'match', id: 2, status: 'failed', error: null }] }));
    expect(failedAndStale.map((p) => p.kind)).toEqual(['last_run_failed', 'stale']);
    expect(statusExitCode(failedAndStale)).toBe(21);
  });

  it('exits 22 when the published set is empty, as when nothing was published', () => {
    const p = statusProblems(facts({ published: { runId: 5, publishedAt: hoursAgo(1), rows: 0 } }));
    expect(p).toEqual([expect.objectContaining({ kind: 'empty_published', exitCode: 22 })]);
    expect(p[0].message).toMatch(/published run 5 has no match at all/);
  });

  it("judges coverage by the published run's rules with today's date in its zone", () => {
    const configured = { jobStatuses: ['PUBLISHED'], includeExpired: false, includeDeleted: false, timezone: 'UTC' };
    const run = { jobStatuses: ['PUBLISHED', 'CLOSED'], includeExpired: false, includeDeleted: true, today: '2026-06-01', timezone: 'Asia/Seoul' };
    // 2026-06-14 18:30 UTC is already the 15th in Seoul.
    const late = new Date('2026-06-14T18:30:00Z');
    expect(eligibilityNow(run, configured, late)).toEqual({ ...run, today: '2026-06-15' });
    expect(eligibilityNow({ ...run, timezone: 'explicit' }, configured, late)).toEqual({ ...run, today: '2026-06-14', timezone: 'UTC' });
    expect(eligibilityNow(null, configured, late)).toEqual({ ...configured, today: '2026-06-14' });
  });
});
