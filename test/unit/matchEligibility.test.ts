import { describe, expect, it } from 'vitest';
import { localDate, resolveEligibility } from '../../src/engine/eligibility.js';
import { jobIdsQuery, talentIdsQuery } from '../../src/store/eligibilityQueries.js';

describe('match eligibility', () => {
  it('takes the calendar date in the configured zone', () => {
    const at = new Date('2026-06-14T18:30:00Z');
    expect(localDate(at, 'Asia/Seoul')).toBe('2026-06-15');
    expect(localDate(at, 'UTC')).toBe('2026-06-14');
  });

  it('an explicit --today wins over the clock and is recorded as such', () => {
    const e = resolveEligibility({ jobStatuses: ['PUBLISHED'], includeExpired: false, includeDeleted: false, timezone: 'Asia/Seoul', today: '2026-01-02' }, new Date());
    expect(e).toMatchObject({ today: '2026-01-02', timezone: 'explicit' });
  });

  it('builds parameterised id queries that never read a vector blob', () => {
    const e = resolveEligibility({ jobStatuses: ['PUBLISHED', 'CLOSED'], includeExpired: false, includeDeleted: false, timezone: 'UTC' }, new Date('2026-03-01T00:00:00Z'));
    const j = jobIdsQuery(e);
    expect(j.params).toEqual(['PUBLISHED', 'CLOSED', '2026-03-01']);
    expect(j.sql).toContain('jp.deleted_at IS NULL');
    expect(j.sql).toMatch(/ORDER BY je\.job_posting_id$/);
    const wide = jobIdsQuery({ ...e, includeExpired: true, includeDeleted: true });
    expect(wide.sql).not.toContain('deadline_date');
    expect(wide.sql).not.toContain('deleted_at');
    const t = talentIdsQuery(e);
    expect(t.params).toEqual([]);
    expect(t.sql).toMatch(/u\.deleted_at IS NULL AND tp\.deleted_at IS NULL/);
    expect(t.sql).toContain('te.facet_mask <> 0');
  });
});
