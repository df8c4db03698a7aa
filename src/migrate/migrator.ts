import type { RowDataPacket } from 'mysql2/promise';
import { acquireLock } from '../db/advisoryLock.js';
import type { Db } from '../db/connect.js';
import { ExitCode, FitmatchError, messageOf } from '../errors.js';
import { MIGRATIONS_TABLE } from '../schema/owned.js';
import { appSchemaFindings } from './appSchemaFindings.js';
import { formatFinding } from './findings.js';
import { journalOrderProblems, readJournal, type Migration } from './journal.js';

export interface AppliedMigration {
  tag: string;
  hash: string;
  statementsApplied: number;
  statementsTotal: number;
  appliedAt: Date | null;
}

export interface MigrationState {
  migrations: Migration[];
  applied: Map<string, AppliedMigration>;
  /** Journal entries not (fully) applied, in order. */
  pending: Migration[];
  /** Rows in the table whose tag is no longer in the journal. */
  unknown: string[];
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS \`${MIGRATIONS_TABLE}\` (
  \`tag\` varchar(255) NOT NULL,
  \`hash\` char(64) NOT NULL,
  \`created_at\` bigint NOT NULL,
  \`statements_applied\` int NOT NULL DEFAULT 0,
  \`statements_total\` int NOT NULL,
  \`applied_at\` datetime(3) DEFAULT NULL,
  PRIMARY KEY (\`tag\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

export async function readMigrationState(db: Db, dir?: string): Promise<MigrationState> {
  const migrations = readJournal(dir);
  const [exists] = await db.pool.query<RowDataPacket[]>(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [MIGRATIONS_TABLE],
  );
  const applied = new Map<string, AppliedMigration>();
  if (exists.length) {
    const [rows] = await db.pool.query<RowDataPacket[]>(
      `SELECT tag, hash, statements_applied, statements_total, applied_at FROM \`${MIGRATIONS_TABLE}\` ORDER BY created_at`,
    );
    for (const r of rows) {
      applied.set(r.tag, { tag: r.tag, hash: r.hash, statementsApplied: r.statements_applied, statementsTotal: r.statements_total, appliedAt: r.applied_at });
    }
  }
  const tags = new Set(migrations.map((m) => m.tag));
  return {
    migrations,
    applied,
    pending: migrations.filter((m) => !applied.get(m.tag)?.appliedAt),
    unknown: [...applied.keys()].filter((t) => !tags.has(t)),
  };
}

export interface ApplyResult {
  applied: { tag: string; statements: number }[];
}

/**
 * Applies pending migrations one DDL statement at a time, recording progress after
 * each, so a failure half-way resumes at the failed statement on the next run.
 * A GET_LOCK serialises concurrent migrates; the second waits, then finds nothing to do.
 */
export async function applyMigrations(db: Db, opts: { dir?: string; lockWaitSeconds?: number; onStatement?: (tag: string, i: number, n: number) => void } = {}): Promise<ApplyResult> {
  const lock = await acquireLock(db, 'migrate', { waitSeconds: opts.lockWaitSeconds ?? 60, holder: 'another fitmatch migrate' });
  try {
    const conn = lock.conn;
    // Everything that can refuse is read-only and comes first: a refused migrate creates nothing, not even its journal table.
    const state = await readMigrationState(db, opts.dir);
    const order = journalOrderProblems(state.migrations);
    if (order.length) throw new FitmatchError(`refusing to migrate: ${order.join('; ')}`, ExitCode.CHECK_JOURNAL);
    for (const m of state.migrations) {
      const a = state.applied.get(m.tag);
      if (a?.appliedAt && a.hash !== m.hash) {
        throw new FitmatchError(`migration ${m.tag} was edited after it was applied (hash differs); add a new migration instead`, ExitCode.CHECK_PENDING);
      }
    }
    if (state.pending.length) await assertAppSchema(db);
    await conn.query(CREATE_TABLE);
    const result: ApplyResult = { applied: [] };
    for (const m of state.pending) {
      const done = state.applied.get(m.tag)?.statementsApplied ?? 0;
      await conn.query(
        `INSERT INTO \`${MIGRATIONS_TABLE}\` (tag, hash, created_at, statements_applied, statements_total) VALUES (?, ?, ?, 0, ?)
         ON DUPLICATE KEY UPDATE hash = VALUES(hash), statements_total = VALUES(statements_total)`,
        [m.tag, m.hash, m.when, m.statements.length],
      );
      for (let i = done; i < m.statements.length; i++) {
        opts.onStatement?.(m.tag, i, m.statements.length);
        try {
          await conn.query(m.statements[i]);
        } catch (e) {
          throw new FitmatchError(
            `migration ${m.tag} failed at statement ${i + 1}/${m.statements.length}: ${messageOf(e)}\n` +
              `  the ${i} statement(s) before it are applied and recorded; fix the cause and run migrate again to resume`,
            ExitCode.FAILED,
            { cause: e },
          );
        }
        await conn.query(`UPDATE \`${MIGRATIONS_TABLE}\` SET statements_applied = ? WHERE tag = ?`, [i + 1, m.tag]);
      }
      await conn.query(`UPDATE \`${MIGRATIONS_TABLE}\` SET applied_at = CURRENT_TIMESTAMP(3) WHERE tag = ?`, [m.tag]);
      result.applied.push({ tag: m.tag, statements: m.statements.length - done });
    }
    return result;
  } finally {
    await lock.release();
  }
}

/**
 * The DDL references the app's tables (foreign keys to users, talent_profiles,
 * job_postings): on a database that is not the app's, statement 8 of 11 would
 * fail and leave the first tables behind. Refuses up front, with the findings
 * `migrate --check` reports.
 */
async function assertAppSchema(db: Db): Promise<void> {
  const findings = await appSchemaFindings(db);
  if (!findings.length) return;
  throw new FitmatchError(
    `refusing to migrate: the app's schema is not one fitmatch can migrate against (\`fitmatch migrate --check\` reports the same); nothing was created:\n` +
      findings.map((f) => `  - ${formatFinding(f)}`).join('\n'),
    ExitCode.CHECK_APP_SCHEMA,
  );
}

/** For backfill/match: refuse to run against a database whose owned tables are not migrated (exit 7). */
export async function assertMigrated(db: Db): Promise<void> {
  const state = await readMigrationState(db);
  if (state.pending.length) {
    throw new FitmatchError(
      `the database has ${state.pending.length} pending fitmatch migration(s) (${state.pending.map((m) => m.tag).join(', ')}); run \`fitmatch migrate\` first`,
      ExitCode.NOT_MIGRATED,
    );
  }
}
