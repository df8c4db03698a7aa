import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllFitmatch, runFitmatch, scratchDir } from '../helpers/fitmatchProcess.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const FIXTURE = `
INSERT INTO users (id, email, password_hash, role) VALUES
 (1,'t1@x','x','talent'),(2,'t2@x','x','talent'),(3,'t3@x','x','talent'),(4,'t4@x','x','talent'),(100,'c1@x','x','company');
-- user 100 is a company that also has a talent profile (and a talent row in matching_vectors)
INSERT INTO talent_profiles (user_id, is_submitted) VALUES (1,1),(2,1),(3,1),(4,1),(100,1);
INSERT INTO companies (id, owner_user_id, name, industry, location_city) VALUES (1,100,'A','IT','서울');
INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, status) VALUES
 (10,1,'백엔드 개발자','경력','무관','정규직','서울','PUBLISHED');
INSERT INTO matching_vectors (id, user_id, role, job_posting_id, updated_at, vector_roles, vector_skills, vector_growth, vector_career, vector_vision, vector_culture) VALUES
 (1,1,'talent',NULL,'2024-01-01','[1,0,0,0]',NULL,NULL,NULL,NULL,NULL),
 (2,2,'talent',NULL,'2024-01-01','[0,1,0,0]',NULL,NULL,NULL,NULL,NULL),
 (3,3,'talent',NULL,'2024-01-01','[0,0,1,0]',NULL,NULL,NULL,NULL,NULL),
 (4,4,'talent',NULL,'2024-01-01','[0,0,0,1]',NULL,NULL,NULL,NULL,NULL),
 (5,100,'talent',NULL,'2024-01-01','[1,1,0,0]',NULL,NULL,NULL,NULL,NULL),
 (6,100,'company',10,'2024-01-01','[1,1,1,1]',NULL,NULL,NULL,NULL,NULL);
`;

/**
 * Issue 10, class 9: a user whose role is company, even with a talent profile,
 * is not a talent: backfill skips the row (user_not_talent) and a talent who
 * becomes a company loses the stored embedding.
 */
describe('backfill and users that are not talents', () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  const report = () => JSON.parse(readFileSync(join(scratchDir(), 'report.json'), 'utf8'));
  const talents = async () => ((await t.exec('SELECT talent_user_id AS id FROM talent_embeddings ORDER BY 1')) as { id: number }[]).map((r) => Number(r.id));
  beforeAll(async () => {
    t = await createTestDatabase('hardening_roles');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    await t.exec(FIXTURE);
  });
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('a company user with a talent profile is skipped as user_not_talent, and never matched as a talent', async () => {
    const r = await runFitmatch(['backfill', '--report-json', 'report.json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(report().rowSkips.user_not_talent).toEqual({ count: 1, examples: ['5'] });
    expect(await talents()).toEqual([1, 2, 3, 4]);
    expect(await t.exec('SELECT job_posting_id AS id FROM job_embeddings')).toEqual([{ id: 10 }]);

    const m = await runFitmatch(['match', '--today', '2024-06-01'], { env });
    expect(m.code, m.stderr).toBe(0);
    expect(await t.exec("SELECT DISTINCT talent_user_id AS id FROM match_results WHERE direction = 'talent_to_job' ORDER BY 1")).toEqual([1, 2, 3, 4].map((id) => ({ id })));
  });

  it('a talent who becomes a company loses the stored embedding on the next backfill', async () => {
    await t.exec("UPDATE users SET role = 'company' WHERE id = 4");
    const r = await runFitmatch(['backfill', '--report-json', 'report.json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(report().rowSkips.user_not_talent.count).toBe(2);
    expect(report().entity.talents.removed).toBe(1);
    expect(await talents()).toEqual([1, 2, 3]);
  });
});
