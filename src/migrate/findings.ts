import { ExitCode, type ExitCodeValue } from '../errors.js';

/**
 * What `migrate --check` found. Every finding is reported; the exit code is the
 * code of the most fundamental kind present (CHECK_PRECEDENCE), because each kind
 * makes the ones after it unreliable or is explained by them:
 *   journal  (14) the journal itself is unusable, so "pending" cannot be computed;
 *   unsynced (13) the migration files do not describe src/schema, so drift is measured against the wrong target;
 *   app_schema (12) the app's tables cannot carry fitmatch's FKs, so migrations cannot apply;
 *   pending  (10) applying the pending migrations is the fix, and usually explains drift;
 *   drift    (11) what remains: the owned tables differ from the schema.
 * `info` and `skipped` findings never fail the check.
 */
export type FindingKind = 'journal' | 'unsynced' | 'app_schema' | 'pending' | 'drift' | 'skipped' | 'info';

export interface Finding {
  kind: FindingKind;
  message: string;
  /** Machine-readable specifics (table, column, expected, actual, ...). */
  details?: Record<string, unknown>;
}

export const CHECK_PRECEDENCE: { kind: FindingKind; code: ExitCodeValue }[] = [
  { kind: 'journal', code: ExitCode.CHECK_JOURNAL },
  { kind: 'unsynced', code: ExitCode.CHECK_UNSYNCED },
  { kind: 'app_schema', code: ExitCode.CHECK_APP_SCHEMA },
  { kind: 'pending', code: ExitCode.CHECK_PENDING },
  { kind: 'drift', code: ExitCode.CHECK_DRIFT },
];

export function exitCodeFor(findings: Finding[]): ExitCodeValue {
  for (const { kind, code } of CHECK_PRECEDENCE) if (findings.some((f) => f.kind === kind)) return code;
  return ExitCode.OK;
}

export function codeOfKind(kind: FindingKind): ExitCodeValue | null {
  return CHECK_PRECEDENCE.find((p) => p.kind === kind)?.code ?? null;
}

/** How one finding reads in a report line: the same words wherever it is shown (`migrate --check`, `migrate`). */
export const formatFinding = (f: Finding): string => `[${f.kind}] ${f.message}`;
