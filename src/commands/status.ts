import { failureDocument } from '../commandOutput.js';
import type { CommandContext } from '../context.js';
import { FitmatchError, type ExitCodeValue } from '../errors.js';
import { redact } from '../redact.js';
import { formatStatus } from '../status/formatStatus.js';
import { readStatus, type StatusReport } from '../status/readStatus.js';

export interface StatusOptions {
  json?: boolean;
  /** A published run older than this is stale (exit 20); null: never. */
  maxAgeMs: number | null;
  /** Runs listed per kind. */
  runs?: number;
  /** --min-coverage: exit 25 when a smaller share of eligible talents or postings has an embedding. */
  minCoverage?: number | null;
  write?: (text: string) => void;
  /** Receives the report as soon as it is read, before an unhealthy verdict is thrown (for --metrics-file). */
  onReport?: (r: StatusReport) => void;
}

/**
 * What an on-call person asks first: what is published and how old, how the
 * last runs went, what is running now, what the published set is missing.
 * Read-only. Exits 20/21/22/25 when unhealthy (STATUS_PRECEDENCE), after printing.
 */
export async function status(opts: StatusOptions, ctx: Pick<CommandContext, 'db' | 'clock' | 'config'>): Promise<StatusReport> {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const report = await readStatus(ctx, { maxAgeMs: opts.maxAgeMs, runs: opts.runs ?? 3, minCoverage: opts.minCoverage });
  opts.onReport?.(report);
  write(redact(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatStatus(report)));
  const first = report.health.problems[0];
  if (first) throw new FitmatchError(`status: ${first.message}`, report.health.exitCode as ExitCodeValue);
  return report;
}

/**
 * `status --json` when status itself could not run (the database is unreachable,
 * a bad setting): the health part of the report, so monitors that read
 * `health.exitCode` see the failure.
 */
export function statusFailure(exitCode: number, message: string, o: { maxAgeMs: number | null; minCoverage: number | null }) {
  const doc = failureDocument(exitCode, message);
  return { ...doc, health: { exitCode, maxAgeMs: o.maxAgeMs, minCoverage: o.minCoverage, problems: [{ kind: 'status_failed', exitCode, message: doc.error.message }] } };
}
