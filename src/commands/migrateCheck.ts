import type { CommandContext } from '../context.js';
import { FitmatchError } from '../errors.js';
import { collectFindings, type CheckOptions } from '../migrate/check.js';
import { CHECK_PRECEDENCE, codeOfKind, exitCodeFor, formatFinding, type Finding } from '../migrate/findings.js';

export interface MigrateCheckOptions extends CheckOptions {
  json?: boolean;
  /** Where the report goes (stdout); logs stay on stderr. */
  write?: (text: string) => void;
}

export interface CheckReport {
  database: string;
  ok: boolean;
  exitCode: number;
  /** The kind that decided the exit code (CHECK_PRECEDENCE), or null when ok. */
  failedOn: string | null;
  checks: Record<string, 'ok' | 'failed' | 'skipped'>;
  findings: (Finding & { exitCode: number | null })[];
}

const CHECK_NAMES: Record<string, string> = { journal: 'journal order', unsynced: 'files in sync with src/schema', app_schema: 'app schema compatible', pending: 'no pending migrations', drift: 'owned tables match schema' };

/** `migrate --check`: read-only CI check; prints every finding and fails with the most fundamental one's code. */
export async function migrateCheck(opts: MigrateCheckOptions, ctx: Pick<CommandContext, 'db' | 'log'>): Promise<CheckReport> {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const findings = await collectFindings(ctx.db, opts);
  const exitCode = exitCodeFor(findings);
  const failedOn = CHECK_PRECEDENCE.find((p) => p.code === exitCode)?.kind ?? null;
  const checks: CheckReport['checks'] = {};
  for (const { kind } of CHECK_PRECEDENCE) {
    const skipped = findings.some((f) => f.kind === 'skipped' && f.details?.check === kind);
    checks[kind] = findings.some((f) => f.kind === kind) ? 'failed' : skipped ? 'skipped' : 'ok';
  }
  const report: CheckReport = {
    database: ctx.db.settings.display,
    ok: exitCode === 0,
    exitCode,
    failedOn,
    checks,
    findings: findings.map((f) => ({ ...f, exitCode: codeOfKind(f.kind) })),
  };
  write(opts.json ? JSON.stringify(report, null, 2) + '\n' : renderHuman(report));
  if (!report.ok) {
    const n = findings.filter((f) => codeOfKind(f.kind) !== null).length;
    throw new FitmatchError(`migrate --check failed: ${n} problem(s); exit code ${exitCode} (${failedOn})`, exitCode);
  }
  return report;
}

function renderHuman(r: CheckReport): string {
  const lines = [`migrate --check ${r.database}`];
  for (const [kind, status] of Object.entries(r.checks)) {
    lines.push(`  ${status === 'ok' ? 'ok     ' : status === 'skipped' ? 'SKIPPED' : 'FAILED '} ${CHECK_NAMES[kind]}${status === 'failed' ? ` (exit ${codeOfKind(kind as Finding['kind'])})` : ''}`);
  }
  for (const f of r.findings) lines.push(`  - ${formatFinding(f)}`);
  lines.push(r.ok ? 'check passed' : `check FAILED: exit ${r.exitCode} (${r.failedOn})`);
  return lines.join('\n') + '\n';
}
