import type { Rng } from './rng.js';

const DAY = 86_400_000;

/** A moment `days` (fractional allowed) before now, rounded to the second: DATETIME columns have no fraction. */
export const daysBefore = (now: Date, days: number): Date => new Date(Math.floor((now.getTime() - days * DAY) / 1000) * 1000);

/** A random moment between minDays and maxDays before now. */
export const randomPast = (rng: Rng, now: Date, minDays: number, maxDays: number): Date => daysBefore(now, minDays + rng.next() * (maxDays - minDays));

/** YYYY-MM-DD in UTC, for DATE columns. */
export const ymd = (d: Date): string => d.toISOString().slice(0, 10);

const formats = new Map<string, Intl.DateTimeFormat>();
/** YYYY-MM-DD of `d` in an IANA time zone: deadlines are relative to "today" where the matcher runs (config timezone). */
export function ymdIn(d: Date, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f) formats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(d);
}

/** The first of the month, for *_ym DATE columns. */
export const ym = (d: Date): string => d.toISOString().slice(0, 8) + '01';

export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY);
