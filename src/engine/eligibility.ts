/** Which talents and postings take part in a run; recorded verbatim in match_runs.params. */
export interface Eligibility {
  /** job_postings.status values that are matched (default PUBLISHED). */
  jobStatuses: string[];
  /** Keep postings whose deadline_date is before `today`. */
  includeExpired: boolean;
  /** Keep soft-deleted users, talent profiles and postings (deleted_at set). */
  includeDeleted: boolean;
  /** The local calendar date deadlines are compared with, YYYY-MM-DD. */
  today: string;
  /** The zone `today` was taken in (or "explicit" when --today was given). */
  timezone: string;
}

/**
 * The calendar date at `now` in `timeZone`. The app stores deadline_date as a
 * Korean local date, so a 03:00 KST cron (18:00 UTC the day before) must use the
 * KST date, not the UTC one.
 */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function resolveEligibility(
  s: { jobStatuses: string[]; includeExpired: boolean; includeDeleted: boolean; timezone: string; today?: string },
  now: Date,
): Eligibility {
  return {
    jobStatuses: [...s.jobStatuses],
    includeExpired: s.includeExpired,
    includeDeleted: s.includeDeleted,
    today: s.today ?? localDate(now, s.timezone),
    timezone: s.today ? 'explicit' : s.timezone,
  };
}
