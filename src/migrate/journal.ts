import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  tag: string;
  /** drizzle journal's `when` (ms since epoch). */
  when: number;
  /** sha256 of the SQL file, to detect an applied migration edited afterwards. */
  hash: string;
  /** One DDL statement each: DDL auto-commits, so progress is recorded per statement. */
  statements: string[];
}

/** drizzle/ at the package root, whether running from src/ (tsx, vitest) or dist/. */
export const DEFAULT_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

interface JournalFile {
  entries: { idx: number; when: number; tag: string }[];
}

export function readJournal(dir = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as JournalFile;
  return journal.entries.map((e) => {
    const sql = readFileSync(join(dir, `${e.tag}.sql`), 'utf8');
    return {
      tag: e.tag,
      when: e.when,
      hash: createHash('sha256').update(sql).digest('hex'),
      statements: splitStatements(sql),
    };
  });
}

export function splitStatements(sql: string): string[] {
  return sql
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** drizzle's migrator silently skips an entry older than the last applied one (#5769): refuse such a journal. */
export function journalOrderProblems(migrations: Migration[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].when <= migrations[i - 1].when) {
      problems.push(`journal entry ${migrations[i].tag} (when=${migrations[i].when}) is not newer than ${migrations[i - 1].tag} (when=${migrations[i - 1].when})`);
    }
  }
  return problems;
}
