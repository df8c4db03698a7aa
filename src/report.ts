import { redact } from './redact.js';

/**
 * What a command tells its caller, as opposed to what it logs: printed on
 * stdout by runCommand(), human by default, one JSON document with --json.
 */
export interface Report {
  /** The machine form (--json). */
  data: unknown;
  /** The human form, one or more lines. */
  human: string;
}

export const report = (data: unknown, human: string): Report => ({ data, human });

/** Prints a report on stdout (or `write`): exactly one JSON document with json, else the human lines. */
export function printReport(r: Report, json: boolean, write: (s: string) => void = (s) => process.stdout.write(s)): void {
  const text = json ? JSON.stringify(r.data, null, 2) : r.human.replace(/\n+$/, '');
  if (text === '') return;
  write(redact(text) + '\n');
}

/**
 * A failure that still has a report to print first: `run --strict` published its
 * results and says what it skipped before exiting 9.
 */
export function withReport<E extends Error>(e: E, r: Report): E {
  return Object.assign(e, { report: r });
}

export const reportOf = (e: unknown): Report | undefined => (e as { report?: Report } | null)?.report;
