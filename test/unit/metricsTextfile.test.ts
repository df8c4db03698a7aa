import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunMetrics } from '../../src/metrics/runMetrics.js';
import { formatGauges } from '../../src/metrics/textfile.js';
import type { RunSummary } from '../../src/status/runSummary.js';

const zero = { inserted: 0, updated: 0, unchanged: 0, removed: 0, touched: 0 };
const summary: RunSummary = {
  phases: {
    migrate: { ms: 20, applied: [] },
    backfill: { ms: 1500, source: 'matching_vectors', talents: zero, jobs: zero },
    match: { ms: 9000, runId: 7, published: true, incremental: null, eligibleTalents: 5, eligibleJobs: 2, talentsWithMatch: 5, jobsWithMatch: 2, rowsTalentToJob: 10, rowsJobToTalent: 10 },
  },
  skipped: { total: 3, byReason: { 'row:no_talent_profile': 3 }, expected: {}, dropped: {} },
  newSkipped: { total: 1, byReason: { 'row:no_talent_profile': 1 }, comparedWithRunId: 6, allowed: 0, sourceRows: 10 },
  strict: false,
  totalMs: 10_600,
};

describe('Prometheus textfile', () => {
  it('formats gauges with HELP, TYPE and escaped labels', () => {
    expect(formatGauges([{ name: 'x_total', help: 'an x.', samples: [{ labels: { a: 'say "hi"' }, value: 2 }] }, { name: 'empty', help: 'none', samples: [] }])).toBe(
      '# HELP x_total an x.\n# TYPE x_total gauge\nx_total{a="say \\"hi\\""} 2\n',
    );
  });

  it('run metrics: phases, rows, skips and exit code; a failed run keeps the last success time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitmatch-prom-'));
    const file = join(dir, 'run.prom');
    writeRunMetrics(file, { exitCode: 0, summary, finishedAt: new Date(1_800_000_000_000) });
    const ok = readFileSync(file, 'utf8');
    expect(ok).toContain('fitmatch_run_exit_code 0\n');
    expect(ok).toContain('fitmatch_run_last_success_timestamp_seconds 1800000000\n');
    expect(ok).toContain('fitmatch_run_phase_duration_seconds{phase="backfill"} 1.5\n');
    expect(ok).toContain('fitmatch_run_phase_duration_seconds{phase="total"} 10.6\n');
    expect(ok).toContain('fitmatch_run_published_rows{direction="talent_to_job"} 10\n');
    expect(ok).toContain('fitmatch_run_skipped_rows 3\n');
    expect(ok).toContain('fitmatch_run_new_skipped_rows 1\n');

    writeRunMetrics(file, { exitCode: 3, summary: null, finishedAt: new Date(1_800_000_600_000) });
    const failed = readFileSync(file, 'utf8');
    expect(failed).toContain('fitmatch_run_exit_code 3\n');
    expect(failed).toContain('fitmatch_run_last_finished_timestamp_seconds 1800000600\n');
    expect(failed).toContain('fitmatch_run_last_success_timestamp_seconds 1800000000\n');
    expect(failed).not.toContain('fitmatch_run_phase_duration_seconds');
    expect(readdirSync(dir)).toEqual(['run.prom']);
  });
});
