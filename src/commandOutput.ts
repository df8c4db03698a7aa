import { ExitCode } from './errors.js';
import { redact } from './redact.js';

const NAMES = new Map<number, string>(Object.entries(ExitCode).map(([name, code]) => [code, name]));

/** The documented name of an exit code (README "Exit codes"), e.g. 3 → DB_UNAVAILABLE. */
export const exitCodeName = (code: number): string => NAMES.get(code) ?? (code >= 128 ? 'SIGNAL' : 'UNKNOWN');

/**
 * The one JSON document a command prints under --json when it fails before it
 * has a report of its own (cannot connect, bad flags, not migrated …): monitors
 * parse stdout on every exit, not only on success.
 */
export function failureDocument(exitCode: number, message: string): { ok: false; exitCode: number; error: { code: string; message: string } } {
  return { ok: false, exitCode, error: { code: exitCodeName(exitCode), message: redact(message) } };
}

/** Whether argv asks for JSON output (also for usage errors, before commander has parsed anything). */
export const wantsJson = (argv: readonly string[]): boolean => argv.includes('--json');
