import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Flags } from '../../src/config.js';
import type { CommandContext } from '../../src/context.js';
import { createLogger } from '../../src/log.js';
import type { TestDatabase } from '../helpers/testDb.js';

/** A command context whose JSON log lines are kept (and can trigger `onLine`, e.g. to send a stop at a given point). */
export function jsonCtx(t: TestDatabase, o: { flags?: Flags; at?: string | Date; signal?: AbortSignal; onLine?: (line: Record<string, unknown>) => void } = {}): CommandContext & { lines: string[]; events: (name: string) => Record<string, unknown>[] } {
  const lines: string[] = [];
  const log = createLogger({
    format: 'json',
    verbose: true,
    write: (l) => {
      lines.push(l);
      o.onLine?.(JSON.parse(l));
    },
  });
  return {
    db: t.db,
    clock: fixedClock(o.at ?? '2026-06-15T03:00:00Z'),
    log,
    config: loadConfig({ env: { DATABASE_URL: t.url }, cwd: null, flags: o.flags ?? {} }),
    signal: o.signal ?? new AbortController().signal,
    lines,
    events: (name) => lines.map((l) => JSON.parse(l)).filter((e) => e.event === name),
  };
}

/** Valid matching_vectors for 3 talents and 2 postings (dim 4): nothing for a strict run to complain about. */
export const CLEAN_SQL = `
INSERT INTO users (id, email, password_hash, role) VALUES (1,'t1@x','x','talent'),(2,'t2@x','x','talent'),(3,'t3@x','x','talent'),(100,'c@x','x','company');
INSERT INTO talent_profiles (user_id, is_submitted) VALUES (1,1),(2,1),(3,1);
INSERT INTO companies (id, owner_user_id, name, industry, location_city) VALUES (1,100,'A','IT','서울');
INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status) VALUES
 (10,1,'a','x','x','x','서울','PUBLISHED'),(11,1,'b','x','x','x','서울','PUBLISHED');
INSERT INTO matching_vectors (id, user_id, role, job_posting_id, updated_at, vector_roles, vector_skills, vector_growth, vector_career, vector_vision, vector_culture) VALUES
 (1,1,'talent',NULL,'2026-01-01 00:00:00','[1,2,3,4]','[0,0,0,2]',NULL,NULL,NULL,NULL),
 (2,2,'talent',NULL,'2026-01-01 00:00:00','[4,3,2,1]','[1,0,0,0]',NULL,NULL,NULL,NULL),
 (3,3,'talent',NULL,'2026-01-01 00:00:00','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL),
 (4,100,'company',10,'2026-01-01 00:00:00','[1,0,0,0]','[0,1,0,0]',NULL,NULL,NULL,NULL),
 (5,100,'company',11,'2026-01-01 00:00:00','[0,0,0,1]',NULL,NULL,NULL,NULL,NULL);
`;
