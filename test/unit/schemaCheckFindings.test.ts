import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { exitCodeFor, type Finding, type FindingKind } from '../../src/migrate/findings.js';
import type { Migration } from '../../src/migrate/journal.js';
import { journalFindings, pendingFindings } from '../../src/migrate/migrationFindings.js';
import type { AppliedMigration } from '../../src/migrate/migrator.js';

const f = (kind: FindingKind): Finding => ({ kind, message: kind });
const mig = (tag: string, when: number, hash = 'h-' + tag, n = 2): Migration => ({ tag, when, hash, statements: Array.from({ length: n }, (_, i) => `S${i}`) });
const applied = (tag: string, o: Partial<AppliedMigration> = {}): AppliedMigration => ({ tag, hash: 'h-' + tag, statementsApplied: 2, statementsTotal: 2, appliedAt: new Date('2025-01-01T00:00:00Z'), ...o });

describe('exitCodeFor', () => {
  it('is 0 with no findings, or only info/skipped ones', () => {
    expect(exitCodeFor([])).toBe(ExitCode.OK);
    expect(exitCodeFor([f('info'), f('skipped')])).toBe(ExitCode.OK);
  });
  it('picks the most fundamental kind: journal > unsynced > app_schema > pending > drift', () => {
    expect(exitCodeFor([f('drift'), f('pending'), f('app_schema'), f('unsynced'), f('journal')])).toBe(ExitCode.CHECK_JOURNAL);
    expect(exitCodeFor([f('drift'), f('pending'), f('app_schema'), f('unsynced')])).toBe(ExitCode.CHECK_UNSYNCED);
    expect(exitCodeFor([f('drift'), f('pending'), f('app_schema')])).toBe(ExitCode.CHECK_APP_SCHEMA);
    expect(exitCodeFor([f('drift'), f('pending')])).toBe(ExitCode.CHECK_PENDING);
    expect(exitCodeFor([f('drift'), f('info')])).toBe(ExitCode.CHECK_DRIFT);
  });
});

describe('journalFindings', () => {
  it('flags each entry not newer than the one before it (drizzle #5769)', () => {
    const found = journalFindings([mig('0000_a', 100), mig('0001_b', 100), mig('0002_c', 300), mig('0003_d', 200)]);
    expect(found.map((x) => x.details)).toEqual([
      { tag: '0001_b', when: 100, previousTag: '0000_a', previousWhen: 100 },
      { tag: '0003_d', when: 200, previousTag: '0002_c', previousWhen: 300 },
    ]);
    expect(journalFindings([mig('0000_a', 1), mig('0001_b', 2)])).toEqual([]);
  });
});

describe('pendingFindings', () => {
  it('distinguishes not applied, half-applied, edited after apply and unknown to the journal', () => {
    const migrations = [mig('0000_a', 1), mig('0001_b', 2), mig('0002_c', 3), mig('0003_d', 4)];
    const state = {
      migrations,
      applied: new Map([
        ['0000_a', applied('0000_a')],
        ['0001_b', applied('0001_b', { hash: 'old' })],
        ['0002_c', applied('0002_c', { statementsApplied: 1, appliedAt: null })],
        ['0009_z', applied('0009_z')],
      ]),
      pending: [],
      unknown: ['0009_z'],
    };
    expect(pendingFindings(state).map((x) => [x.details?.tag, x.details?.state])).toEqual([
      ['0001_b', 'edited_after_apply'],
      ['0002_c', 'half_applied'],
      ['0003_d', 'not_applied'],
      ['0009_z', 'unknown_to_journal'],
    ]);
  });
});
