import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { lastRun, publishedState, type Exec } from '../helpers/publishedState.js';
import { seedDataset } from '../helpers/seedDataset.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/** Rows and a checksum of every stored vector, per side: equal means nothing was removed or rewritten. */
async function embeddings(exec: Exec): Promise<unknown> {
  return exec(
    `SELECT (SELECT COUNT(*) FROM talent_embeddings) AS talents, (SELECT COUNT(*) FROM job_embeddings) AS jobs,
            (SELECT COALESCE(SUM(CRC32(CONCAT_WS('|', talent_user_id, model, MD5(vectors)))), 0) FROM talent_embeddings) AS talentSum,
            (SELECT COALESCE(SUM(CRC32(CONCAT_WS('|', job_posting_id, model, MD5(vectors)))), 0) FROM job_embeddings) AS jobSum`,
  );
}

/**
 * Issue 10, class 2: one wrong flag must not empty what the app shows. `backfill`
 * refuses to remove most stored embeddings and `match` refuses to publish a set
 * that shrank by more than --max-shrink (exit 8), unless --allow-shrink.
 */
describe('shrink guards, end to end', () => {
  let t: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase('hardening_shrink');
    env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    await seedDataset(t.url, { talents: 600, jobs: 120, dim: 16 });
  });
  afterAll(async () => {
    await killAllFitmatch();
    await t?.drop();
  });

  it('backfill --dim 1535 on a healthy database: exit 8, every embedding stays', async () => {
    const before = await embeddings(t.exec);
    const r = await runFitmatch(['backfill', '--dim', '1535'], { env });
    expect(r.code, r.stderr).toBe(8);
    const [error] = jsonLines(r.stderr).filter((l) => l.level === 'error');
    expect(error).toMatchObject({ exitCode: 8, msg: expect.stringMatching(/refusing to remove stored embeddings: talents with embeddings would drop from \d+ to 0 \(-100\.0%\).*Nothing was removed/) });
    expect(await embeddings(t.exec)).toEqual(before);
    expect(await lastRun(t.exec, 'backfill')).toMatchObject({ status: 'failed' });
  });

  it('match then publishes the full set', async () => {
    const r = await runFitmatch(['match'], { env });
    expect(r.code, r.stderr).toBe(0);
    const [eligible] = (await t.exec('SELECT COUNT(*) AS n FROM talent_embeddings')) as { n: number }[];
    const [withMatches] = (await t.exec("SELECT COUNT(DISTINCT talent_user_id) AS n FROM match_results WHERE direction = 'talent_to_job'")) as { n: number }[];
    // Every eligible talent with an embedding got matches (seeded soft-deleted talents have none).
    expect(withMatches.n).toBeGreaterThan(eligible.n * 0.9);
  });

  it('after most embeddings vanish, match refuses to publish (exit 8) and says what shrank; publish --allow-shrink publishes the staged run', async () => {
    const before = await publishedState(t.exec);
    await t.exec('DELETE FROM talent_embeddings WHERE talent_user_id % 4 <> 0');
    const r = await runFitmatch(['match'], { env });
    expect(r.code, r.stderr).toBe(8);
    const errors = jsonLines(r.stderr).filter((l) => l.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ exitCode: 8, msg: expect.stringMatching(/talents with matches would drop from \d+ to \d+ \(-[5-9]\d\.\d%\), more than --max-shrink 50% allows/) }),
    ]);
    expect(await publishedState(t.exec)).toEqual(before);
    const refused = await lastRun(t.exec, 'match');
    expect(String(errors[0].msg)).toContain(`fitmatch publish --run-id ${refused!.id} --allow-shrink`);

    const published = await runFitmatch(['publish', '--run-id', String(refused!.id), '--allow-shrink'], { env });
    expect(published.code, published.stderr).toBe(0);
    const after = await publishedState(t.exec);
    expect(after.runIds).toEqual([refused!.id]);
    expect(after.rows).toBeLessThan(before.rows);
  });

  it('a set that grows or shrinks less than --max-shrink publishes without a flag; match --allow-shrink publishes a shrunken one', async () => {
    const restore = async () => {
      const backfill = await runFitmatch(['backfill'], { env });
      expect(backfill.code, backfill.stderr).toBe(0);
      const grown = await runFitmatch(['match'], { env });
      expect(grown.code, grown.stderr).toBe(0);
    };
    await restore();
    await t.exec('DELETE FROM talent_embeddings WHERE talent_user_id % 5 = 0');
    const slightly = await runFitmatch(['match'], { env });
    expect(slightly.code, slightly.stderr).toBe(0);

    await t.exec('DELETE FROM talent_embeddings WHERE talent_user_id % 8 <> 0');
    const refused = await runFitmatch(['match'], { env });
    expect(refused.code, refused.stderr).toBe(8);
    const allowed = await runFitmatch(['match', '--allow-shrink'], { env });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(jsonLines(allowed.stderr).some((l) => l.level === 'warn' && /although talents with matches would drop/.test(String(l.msg)))).toBe(true);
    expect((await publishedState(t.exec)).runIds).toEqual([(await lastRun(t.exec, 'match'))!.id]);
    await restore();
  });

  it('backfill refuses to remove most embeddings when the source loses them; --allow-shrink removes them', async () => {
    const before = await embeddings(t.exec);
    await t.exec("DELETE FROM matching_vectors WHERE role = 'talent' AND user_id % 3 <> 0");
    const refused = await runFitmatch(['backfill'], { env });
    expect(refused.code, refused.stderr).toBe(8);
    expect(await embeddings(t.exec)).toEqual(before);
    const allowed = await runFitmatch(['backfill', '--allow-shrink'], { env });
    expect(allowed.code, allowed.stderr).toBe(0);
    const [{ n }] = (await t.exec('SELECT COUNT(*) AS n FROM talent_embeddings WHERE talent_user_id % 3 <> 0')) as { n: number }[];
    expect(n).toBe(0);
  });
});

afterAll(killAllFitmatch);

describe('match right after migrate on an empty database', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('hardening_empty');
  });
  afterAll(async () => t?.drop());

  it('refuses to publish the empty set (exit 8, the first publish too); --allow-empty publishes it, twice', async () => {
    const env = { DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' };
    const refused = await runFitmatch(['match'], { env });
    expect(refused.code, refused.stderr).toBe(8);
    expect(await t.exec('SELECT * FROM match_published')).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const r = await runFitmatch(['match', '--allow-empty'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(await publishedState(t.exec)).toMatchObject({ runIds: [], rows: 0 });
      expect(await lastRun(t.exec, 'match')).toMatchObject({ status: 'succeeded' });
    }
  });
});
