import { resolveEligibility, type Eligibility } from '../engine/eligibility.js';

/**
 * The published run's eligibility rules applied today: its statuses and
 * include-flags, with "today" taken now in its time zone (a run given an
 * explicit --today has no zone of its own: `fallbackZone` is used then).
 * Without a published run, the configured rules.
 */
export function eligibilityNow(
  runRules: Eligibility | null,
  configured: { jobStatuses: string[]; includeExpired: boolean; includeDeleted: boolean; timezone: string },
  now: Date,
): Eligibility {
  if (!runRules) return resolveEligibility({ ...configured, today: undefined }, now);
  const timezone = runRules.timezone === 'explicit' ? configured.timezone : runRules.timezone;
  return resolveEligibility({ jobStatuses: runRules.jobStatuses, includeExpired: runRules.includeExpired, includeDeleted: runRules.includeDeleted, timezone }, now);
}
