import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateCheck, type CheckReport } from '../../src/commands/migrateCheck.js';
import type { Db } from '../../src/db/connect.js';
import { FitmatchError } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { DEFAULT_MIGRATIONS_DIR } from '../../src/migrate/journal.js';
import type { CheckOptions } from '../../src/migrate/check.js';

interface Journal {
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

/** A scratch copy of drizzle/ that a test may edit; remove() deletes it. */
export function tempMigrationsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'fitmatch-migrations-'));
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  const journalFile = join(dir, 'meta/_journal.json');
  const journal = () => JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  return {
    dir,
    journal,
    writeJournal: (j: Journal) => writeFileSync(journalFile, JSON.stringify(j, null, 2)),
    /** Appends a migration (statements joined by drizzle's breakpoint), with a copy of the last snapshot. */
    addMigration(tag: string, statements: string[], when?: number) {
      const j = journal();
      const last = j.entries.at(-1)!;
      writeFileSync(join(dir, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n'));
      const snap = JSON.parse(readFileSync(join(dir, 'meta', `${last.tag.split('_')[0]}_snapshot.json`), 'utf8'));
      writeFileSync(join(dir, 'meta', `${tag.split('_')[0]}_snapshot.json`), JSON.stringify({ ...snap, id: `${snap.id.slice(0, -4)}beef`, prevId: snap.id }));
      j.entries.push({ ...last, idx: last.idx + 1, tag, when: when ?? last.when + 1000 });
      writeFileSync(journalFile, JSON.stringify(j, null, 2));
    },
    editFile: (name: string, edit: (text: string) => string) => writeFileSync(join(dir, name), edit(readFileSync(join(dir, name), 'utf8'))),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `migrate --check --json` in-process: the exit code it would give and the JSON report. */
export async function runCheck(db: Db, opts: CheckOptions = {}): Promise<{ code: number; report: CheckReport }> {
  let out = '';
  let code = 0;
  try {
    await migrateCheck({ ...opts, json: true, write: (s) => (out += s) }, { db, log: memoryLogger() });
  } catch (e) {
    if (!(e instanceof FitmatchError)) throw e;
    code = e.exitCode;
  }
  const report = JSON.parse(out) as CheckReport;
  return { code, report };
}

/** The finding kinds that fail the check, for compact assertions. */
export const failingKinds = (r: CheckReport) => [...new Set(r.findings.filter((f) => f.exitCode !== null).map((f) => f.kind))];
