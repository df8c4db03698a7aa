import type { Finding } from './findings.js';
import { journalOrderProblems, type Migration } from './journal.js';
import type { MigrationState } from './migrator.js';

/** drizzle #5769: an entry not newer than its predecessor is silently skipped by drizzle's migrator. */
export function journalFindings(migrations: Migration[]): Finding[] {
  const problems = journalOrderProblems(migrations);
  const out: Finding[] = [];
  for (let i = 1, p = 0; i < migrations.length; i++) {
    const [prev, cur] = [migrations[i - 1], migrations[i]];
    if (cur.when <= prev.when) {
      out.push({ kind: 'journal', message: problems[p++], details: { tag: cur.tag, when: cur.when, previousTag: prev.tag, previousWhen: prev.when } });
    }
  }
  return out;
}

/**
 * The database's migration history against the journal: never applied, half-applied
 * (a DDL statement failed; DDL auto-commits so the earlier ones stay), applied but the
 * file was edited afterwards, and applied rows this checkout does not know.
 */
export function pendingFindings(state: MigrationState): Finding[] {
  const findings: Finding[] = [];
  for (const m of state.migrations) {
    const a = state.applied.get(m.tag);
    if (!a || (!a.appliedAt && a.statementsApplied === 0)) {
      findings.push({ kind: 'pending', message: `migration ${m.tag} is not applied`, details: { tag: m.tag, state: 'not_applied', statements: m.statements.length } });
    } else if (!a.appliedAt) {
      findings.push({
        kind: 'pending',
        message: `migration ${m.tag} is half-applied (${a.statementsApplied}/${a.statementsTotal} statements); fix the cause and run migrate to resume`,
        details: { tag: m.tag, state: 'half_applied', statementsApplied: a.statementsApplied, statementsTotal: a.statementsTotal },
      });
    } else if (a.hash !== m.hash) {
      findings.push({
        kind: 'pending',
        message: `migration ${m.tag} was edited after it was applied (file hash differs); restore it and add a new migration instead`,
        details: { tag: m.tag, state: 'edited_after_apply', appliedHash: a.hash, fileHash: m.hash },
      });
    }
  }
  for (const tag of state.unknown) {
    findings.push({ kind: 'pending', message: `migration ${tag} is applied in the database but not in this checkout's journal (newer fitmatch?)`, details: { tag, state: 'unknown_to_journal' } });
  }
  return findings;
}
