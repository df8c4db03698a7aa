import { describe, expect, it } from 'vitest';
import { formatScore } from '../../src/engine/scoreCents.js';
import { toInsertValues, toTsv } from '../../src/store/resultRows.js';
import type { ResultBatch } from '../../src/engine/types.js';

describe('result rows', () => {
  it('rounds to two decimals half away from zero without float formatting artefacts', () => {
    expect(formatScore(0.285)).toBe('0.29'); // (0.285).toFixed(2) === '0.28'
    expect(formatScore(1.005)).toBe('1.01');
    expect(formatScore(50.124999)).toBe('50.12');
    expect(formatScore(99.995)).toBe('100.00');
    expect(formatScore(0)).toBe('0.00');
    expect(formatScore(7.1)).toBe('7.10');
    expect(formatScore(-0.125)).toBe('-0.13');
    expect(formatScore(-0.001)).toBe('0.00');
  });

  const batch: ResultBatch = {
    direction: 'job_to_talent',
    length: 2,
    subjectIds: Float64Array.from([20, 20]),
    candidateIds: Float64Array.from([3, 9]),
    totals: Float64Array.from([75.555, 100.00001]),
    facetCents: Int16Array.from([7556, -1, -1, -1, -1, -1, 10000, 0, -1, -1, -1, -1]),
    runIds: Float64Array.from([7, 7]),
    computedAt: ['2026-01-01 00:00:00', '2026-01-01 00:00:00'],
  };

  it('writes talent and job ids in column order for either direction, \\N for missing facets', () => {
    expect(toTsv(batch, 0, 2).toString()).toBe(
      'job_to_talent\t3\t20\t75.56\t75.56\t\\N\t\\N\t\\N\t\\N\t\\N\t7\t2026-01-01 00:00:00\n' +
        'job_to_talent\t9\t20\t100.00\t100.00\t0.00\t\\N\t\\N\t\\N\t\\N\t7\t2026-01-01 00:00:00\n',
    );
  });

  it('writes the same rows as an INSERT VALUES list', () => {
    expect(toInsertValues(batch, 1, 2)).toBe("('job_to_talent',9,20,100.00,100.00,0.00,NULL,NULL,NULL,NULL,7,'2026-01-01 00:00:00')");
  });
});
