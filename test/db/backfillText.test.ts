import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/commands/backfill.js';
import { hashEmbed } from '../../src/embed/hashEmbedder.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { ctxFor, keys, norm, storedVectors, tableChecksum } from './backfillHelpers.js';

const SQL = `
INSERT INTO users (id, email, password_hash, role) VALUES (1,'a@x','x','talent'),(2,'b@x','x','talent'),(3,'c@x','x','talent'),(100,'c@c','x','company');
INSERT INTO talent_profiles (user_id, is_submitted, tagline, desired_role, desired_industry) VALUES
 (1,1,'데이터로 세상을 바꾸는 엔지니어','백엔드 개발자','핀테크'),(2,1,NULL,'프로덕트 디자이너',NULL),(3,1,NULL,NULL,NULL);
INSERT INTO experiences (id, user_id, company_name, title, duration_years, summary) VALUES
 (1,1,'토스','서버 개발자',3,'결제 시스템 개발'),(2,1,'네이버','인턴',NULL,NULL);
INSERT INTO certifications (id, user_id, name, score_or_grade, deleted_at) VALUES (1,1,'정보처리기사',NULL,NULL),(2,1,'삭제된 자격증',NULL,'2025-01-01');
INSERT INTO talent_cards (user_id, job_skills, collaboration_style) VALUES (1,'["Python","Kotlin",{"name":"MySQL"}]','주도적으로 협업');
INSERT INTO companies (id, owner_user_id, name, industry, location_city, vision_mission, culture) VALUES (1,100,'A','IT','서울','금융을 쉽게','수평적 문화');
INSERT INTO job_postings (id, company_id, title, career_level, education_level, employment_type, location_city, requirements_must) VALUES
 (10,1,'백엔드 개발자','경력 3년 이상','무관','정규직','서울','Kotlin, Spring'),
 (11,1,'데이터 분석가','신입','학사','정규직','서울',NULL);
INSERT INTO job_posting_cards (job_posting_id, required_competencies, challenge_task) VALUES (10,'["대용량 트래픽"]','결제 플랫폼 재설계');
`;

const run = (t: TestDatabase, o: { full?: boolean; dryRun?: boolean } = {}) => backfill({ source: 'text', ...o }, ctxFor(t, { config: { provider: 'hash', embedDimensions: 64 } }));

describe('backfill --source text with the hash provider', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('backfill_text');
    await t.exec(SQL);
  });
  afterAll(async () => t?.drop());

  it('embeds non-empty facets; an entity with no text gets no row', async () => {
    const s = await run(t);
    expect(await keys(t, 'talent_embeddings')).toEqual([1, 2]);
    expect(await keys(t, 'job_embeddings')).toEqual([10, 11]);
    expect(s.rowSkips.no_text.examples).toEqual(['talent 3']);
    expect(s.model).toBe('hash:ngram1-3.v1:64');
    const v1 = (await storedVectors(t, 'talent_embeddings', 1))!;
    // roles: desired_role, then experience titles, in that order.
    expect(Array.from(v1[0]!)).toEqual(Array.from(hashEmbed('백엔드 개발자\n서버 개발자\n인턴', 64)!));
    // skills: card job_skills flattened + live certifications only.
    expect(Array.from(v1[1]!)).toEqual(Array.from(hashEmbed('Python\nKotlin\nMySQL\n정보처리기사', 64)!));
    for (const v of v1.filter(Boolean)) expect(norm(v!)).toBeCloseTo(1, 5);
    const v2 = (await storedVectors(t, 'talent_embeddings', 2))!;
    expect(v2.map((v) => v !== null)).toEqual([true, false, false, false, false, false]);
  });

  it('a re-run writes nothing; a changed text re-embeds only the facets it feeds', async () => {
    const before = await tableChecksum(t);
    const again = await run(t);
    expect(again.facetsEmbedded).toBe(0);
    expect(again.entity.talents).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, removed: 0 });
    expect(await tableChecksum(t)).toBe(before);

    const old = (await storedVectors(t, 'talent_embeddings', 1))!;
    await t.exec(`UPDATE experiences SET title = '백엔드 리드' WHERE id = 1`);
    const s = await run(t);
    // experience title feeds roles and career: exactly those two are re-embedded.
    expect(s.facetsEmbedded).toBe(2);
    expect(s.entity.talents).toMatchObject({ updated: 1, unchanged: 1 });
    const now = (await storedVectors(t, 'talent_embeddings', 1))!;
    expect(Array.from(now[0]!)).not.toEqual(Array.from(old[0]!));
    expect(Array.from(now[1]!)).toEqual(Array.from(old[1]!));
    expect(Array.from(now[0]!)).toEqual(Array.from(hashEmbed('백엔드 개발자\n백엔드 리드\n인턴', 64)!));
  });

  it('--dry-run embeds and writes nothing; --full re-embeds everything', async () => {
    await t.exec(`UPDATE certifications SET deleted_at = '2025-03-01' WHERE id = 1`);
    const before = await tableChecksum(t);
    const dry = await run(t, { dryRun: true });
    expect(dry.entity.talents.updated).toBe(1);
    expect(dry.tokens).toBe(0);
    expect(await tableChecksum(t)).toBe(before);
    const full = await run(t, { full: true });
    expect(full.entity.talents.updated + full.entity.jobs.updated).toBe(4);
  });

  it('removes embeddings of soft-deleted talents and postings', async () => {
    await t.exec(`UPDATE talent_profiles SET deleted_at = '2025-03-01' WHERE user_id = 2`);
    await t.exec(`UPDATE job_postings SET deleted_at = '2025-03-01' WHERE id = 11`);
    const s = await run(t);
    expect(s.entity.talents.removed).toBe(1);
    expect(s.entity.jobs.removed).toBe(1);
    expect(await keys(t, 'talent_embeddings')).toEqual([1]);
    expect(await keys(t, 'job_embeddings')).toEqual([10]);
  });

  it('switching source replaces text embeddings with matching_vectors ones', async () => {
    await t.exec(`INSERT INTO matching_vectors (user_id, role, vector_roles) VALUES (1, 'talent', '[1,0]')`);
    // Every posting loses its text embedding: on purpose here, hence --allow-shrink.
    const s = await backfill({ source: 'matching_vectors', allowShrink: true }, ctxFor(t));
    expect(s.entity.talents).toMatchObject({ updated: 1 });
    expect(s.entity.jobs).toMatchObject({ removed: 1 });
    const [row] = (await t.exec('SELECT source FROM talent_embeddings WHERE talent_user_id = 1')) as { source: string }[];
    expect(row.source).toBe('matching_vectors');
  });
});

describe('backfill --source text with the openai provider (local server)', () => {
  let t: TestDatabase;
  let server: import('node:http').Server;
  let base = '';
  const requests: { input: string[]; auth?: string }[] = [];
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    let first = true;
    server = createServer(async (req, res) => {
      let raw = '';
      for await (const c of req) raw += c;
      const body = JSON.parse(raw) as { input: string[]; dimensions?: number };
      requests.push({ input: body.input, auth: req.headers.authorization });
      if (first) {
        first = false;
        res.writeHead(429, { 'retry-after': '0' }).end();
        return;
      }
      const data = body.input.map((text, index) => ({ index, embedding: Array.from(hashEmbed(text, body.dimensions ?? 8)!) }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data, usage: { prompt_tokens: body.input.join('').length } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/v1`;
    t = await createTestDatabase('backfill_openai');
    await t.exec(SQL);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await t?.drop();
  });

  it('embeds through the API with batching and retries, records the model and reports tokens', async () => {
    const config = { provider: 'openai' as const, openaiBaseUrl: base, openaiApiKey: 'sk-local', embedModel: 'm-test', embedDimensions: 8, embedBatchSize: 3, embedConcurrency: 2 };
    const ctx = ctxFor(t, { config });
    const s = await backfill({ source: 'text' }, ctx);
    expect(s.model).toBe('openai:m-test:8');
    expect(s.tokens).toBeGreaterThan(0);
    expect(requests.every((r) => r.input.length <= 3 && r.auth === 'Bearer sk-local')).toBe(true);
    expect(await keys(t, 'talent_embeddings')).toEqual([1, 2]);
    expect(ctx.lines.join('\n')).not.toContain('sk-local');
    const n = requests.length;
    const again = await backfill({ source: 'text' }, ctxFor(t, { config }));
    expect(again.facetsEmbedded).toBe(0);
    expect(requests.length).toBe(n);
  });
});
