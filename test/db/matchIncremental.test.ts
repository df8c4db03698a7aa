import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfill } from '../../src/commands/backfill.js';
import { match } from '../../src/commands/match.js';
import { watch } from '../../src/commands/watch.js';
import { InterruptedError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { rollback } from '../../src/commands/rollback.js';
import { readLists } from '../../src/store/listStore.js';
import { seed } from '../../src/commands/seed.js';
import type { Flags } from '../../src/config.js';
import { resultSet } from '../e2e/shardData.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { ctxFor } from './backfillHelpers.js';
import { matchCtx, publishedRows, type PublishedRow } from './matchHelpers.js';
import { rng } from './matchSeed.js';
import type { IncrementalRunCounts } from '../../src/store/runCounts.js';

const DIM = 16;
const rowKey = (r: PublishedRow) => `${r.direction}:${r.talent}:${r.job}`;
const FACET_COLUMNS = ['vector_roles', 'vector_skills', 'vector_growth', 'vector_career', 'vector_vision', 'vector_culture'];

/**
 * After any sequence of changes to the app's data, backfill && match --incremental
 * must publish exactly what a full run publishes on the same data: compared row
 * for row (scores, ties) with a full run staged by --no-publish, touching only
 * the rows that change.
 */
describe('match --incremental', () => {
  let t: TestDatabase;
  let day = 0;
  const today = () => `2026-01-${String(1 + day).padStart(2, '0')}`;
  const r = rng(2024);
  const vec = () => JSON.stringify(Array.from({ length: DIM }, () => Number(r().toFixed(6))));
  const pick = <T>(xs: T[]): T => xs[Math.floor((r() + 0.5) * xs.length) % xs.length];
  let nextUser = 0;
  let company = 0;

  const ctx = (flags: Flags = {}) => matchCtx(t, { today: today(), topK: '6', reserve: '8', ...flags });
  const incremental = (flags: Flags = {}) => match({ incremental: true }, ctx(flags));
  const stagedFull = async (flags: Flags = {}) => {
    const s = await match({ publish: false }, ctx(flags));
    return resultSet(t, `match_results_r${s.runId}`);
  };
  const ids = async (sql: string) => ((await t.exec(sql)) as { id: number }[]).map((x) => Number(x.id));

  beforeAll(async () => {
    t = await createTestDatabase('match_incr');
    const c = ctxFor(t);
    await seed({ seed: 5, talents: 260, jobs: 70, companies: 6, dim: DIM, dirty: 0.08, timezone: 'Asia/Seoul' }, c);
    await backfill({ source: 'matching_vectors' }, c);
    [{ id: nextUser }] = (await t.exec('SELECT MAX(id) + 1000 AS id FROM users')) as { id: number }[];
    nextUser = Number(nextUser);
    [{ id: company }] = (await t.exec('SELECT MIN(id) AS id FROM companies')) as { id: number }[];
    await match({}, ctx());
  }, 120_000);
  afterAll(async () => t?.drop());

  async function newTalent(): Promise<number> {
    const id = nextUser++;
    await t.exec("INSERT INTO users (id, email, password_hash, role) VALUES (?, ?, 'x', 'talent')", [id, `incr${id}@seed.fitmatch.invalid`]);
    await t.exec('INSERT INTO talent_profiles (user_id, is_submitted) VALUES (?, 1)', [id]);
    await t.exec(`INSERT INTO matching_vectors (user_id, role, ${FACET_COLUMNS.join(', ')}) VALUES (?, 'talent', ?, ?, ?, ?, ?, ?)`, [id, ...FACET_COLUMNS.map(vec)]);
    return id;
  }

  async function newPosting(): Promise<number> {
    const [{ owner }] = (await t.exec('SELECT owner_user_id AS owner FROM companies WHERE id = ?', [company])) as { owner: number }[];
    const [res] = [(await t.exec(
      "INSERT INTO job_postings (company_id, title, career_level, education_level, employment_type, location_city, status) VALUES (?, 'new', 'a', 'a', 'f', '서울', 'PUBLISHED')",
      [company],
    )) as { insertId: number }];
    await t.exec(`INSERT INTO matching_vectors (user_id, role, job_posting_id, ${FACET_COLUMNS.join(', ')}) VALUES (?, 'company', ?, ?, ?, ?, ?, ?, ?)`, [owner, res.insertId, ...FACET_COLUMNS.map(vec)]);
    return res.insertId;
  }

  /**
   * The repaired lists (what later increments build on) are exact: each is the
   * full run's list or its best prefix, and flagged complete only when it is all of it.
   */
  async function expectListsArePrefixes(round: number): Promise<void> {
    const [{ id: staged }] = (await t.exec("SELECT MAX(id) AS id FROM match_runs WHERE kind = 'full'")) as { id: number }[];
    for (const dir of ['talent_to_job', 'job_to_talent'] as const) {
      const inc = await readLists(t.db.pool, 'match_lists', dir);
      const full = await readLists(t.db.pool, `match_lists_r${staged}`, dir);
      expect(Array.from(inc.subjectIds), `round ${round} ${dir}`).toEqual(Array.from(full.subjectIds));
      for (let i = 0; i < inc.subjectIds.length; i++) {
        const [a, b] = [inc.offsets[i], inc.offsets[i + 1]];
        const ours = Array.from(inc.candidateIds.subarray(a, b));
        const theirs = Array.from(full.candidateIds.subarray(full.offsets[i], full.offsets[i + 1]));
        const where = `round ${round} ${dir} subject ${inc.subjectIds[i]}`;
        expect(ours, where).toEqual(theirs.slice(0, ours.length));
        expect(Array.from(inc.means.subarray(a, b)), where).toEqual(Array.from(full.means.subarray(full.offsets[i], full.offsets[i] + ours.length)));
        if (inc.complete[i]) expect(ours.length, where).toBe(theirs.length);
      }
    }
  }

  /** One random round of the kinds of change the app makes. */
  async function mutate(): Promise<string[]> {
    const did: string[] = [];
    const talents = await ids("SELECT u.id FROM users u JOIN talent_profiles p ON p.user_id = u.id WHERE u.role = 'talent'");
    const postings = await ids('SELECT id FROM job_postings');
    const vectorRows = async (role: string) => ids(`SELECT id FROM matching_vectors WHERE role = '${role}'`);
    const steps: [string, () => Promise<void>][] = [
      ['new talents', async () => void (await newTalent(), await newTalent())],
      ['new posting', async () => void (await newPosting())],
      ['changed talent facets', async () => {
        for (let i = 0; i < 3; i++) await t.exec(`UPDATE matching_vectors SET ${pick(FACET_COLUMNS)} = ?, updated_at = updated_at + INTERVAL 1 SECOND WHERE id = ?`, [vec(), pick(await vectorRows('talent'))]);
      }],
      ['changed posting facets', async () => {
        await t.exec(`UPDATE matching_vectors SET ${pick(FACET_COLUMNS)} = ?, updated_at = updated_at + INTERVAL 1 SECOND WHERE id = ?`, [vec(), pick(await vectorRows('company'))]);
      }],
      ['soft-deleted or restored users and profiles', async () => {
        await t.exec('UPDATE users SET deleted_at = IF(deleted_at IS NULL, NOW(), NULL) WHERE id = ?', [pick(talents)]);
        await t.exec('UPDATE talent_profiles SET deleted_at = IF(deleted_at IS NULL, NOW(), NULL) WHERE user_id = ?', [pick(talents)]);
      }],
      ['soft-deleted or restored posting', async () => {
        await t.exec('UPDATE job_postings SET deleted_at = IF(deleted_at IS NULL, NOW(), NULL) WHERE id = ?', [pick(postings)]);
      }],
      ['status changes', async () => {
        await t.exec("UPDATE job_postings SET status = IF(status = 'PUBLISHED', 'CLOSED', 'PUBLISHED') WHERE id = ?", [pick(postings)]);
      }],
      ['deadlines crossing today', async () => {
        await t.exec('UPDATE job_postings SET deadline_date = ? WHERE id = ?', [today(), pick(postings)]);
        day++; // everything due "today" expires now
      }],
      ['hard deletes', async () => {
        const mine = await ids(`SELECT id FROM users WHERE email LIKE 'incr%'`);
        if (mine.length) {
          const id = pick(mine);
          await t.exec('DELETE FROM talent_profiles WHERE user_id = ?', [id]);
          await t.exec('DELETE FROM users WHERE id = ?', [id]);
        }
        const posts = await ids("SELECT id FROM job_postings WHERE title = 'new'");
        if (posts.length) await t.exec('DELETE FROM job_postings WHERE id = ?', [pick(posts)]);
      }],
    ];
    for (const [name, step] of steps) {
      if (r() + 0.5 < 0.45) continue;
      await step();
      did.push(name);
    }
    return did;
  }

  it('after random rounds of changes, backfill && match --incremental publishes exactly what a full run publishes', async () => {
    const seen = new Set<string>();
    const totals = { repaired: 0, recomputed: 0, kept: 0 };
    for (let round = 0; round < 8; round++) {
      const did = await mutate();
      did.forEach((d) => seen.add(d));
      await backfill({ source: 'matching_vectors', allowShrink: true }, ctxFor(t));
      const before = await publishedRows(t);
      const s = await incremental();
      expect(s.params.incremental, `round ${round} (${did.join(', ')}) fell back to a full run`).toBe(true);
      const c = s.counts as Record<string, number>;
      totals.repaired += c.talentListsRepaired + c.jobListsRepaired;
      totals.recomputed += c.listsRecomputedForLostReserve;
      // Contract v2: a row that stays with the same scores is not rewritten (keeps its run);
      // exactly the rows the run reports inserting carry its id.
      const after = await publishedRows(t);
      const was = new Map(before.map((x) => [rowKey(x), x]));
      const kept = after.filter((x) => x.runId !== s.runId);
      for (const x of kept) expect(was.get(rowKey(x)), `round ${round}: ${rowKey(x)} kept`).toMatchObject({ total: x.total, facets: x.facets, runId: x.runId });
      expect(after.length - kept.length, `round ${round}: rows inserted`).toBe(c.rowsInserted);
      expect(before.length - kept.length, `round ${round}: rows deleted`).toBe(c.rowsDeleted);
      totals.kept += kept.length;
      expect(await resultSet(t), `round ${round}: ${did.join(', ')}`).toEqual(await stagedFull());
      await expectListsArePrefixes(round);
    }
    expect(seen.size).toBeGreaterThanOrEqual(7);
    expect(totals.repaired).toBeGreaterThan(0);
    expect(totals.kept).toBeGreaterThan(0);
  });

  it('watch: after random rounds of app writes, whatever it published by its next quiet pass is exactly what a full run publishes', async () => {
    const stop = new AbortController();
    const lines: Record<string, unknown>[] = [];
    const waiters = new Set<() => void>();
    const log = createLogger({ format: 'json', write: (l) => (lines.push(JSON.parse(l) as Record<string, unknown>), waiters.forEach((w) => w())) });
    const passes = () => lines.filter((l) => l.event === 'watch_pass') as { pass: number; outcome: string }[];
    const base = ctx();
    // The watcher's "today" moves with the rounds' (the deadline step crosses days).
    const config = Object.defineProperty({ ...base.config }, 'today', { get: today });
    const running = watch({ intervalMs: 20, backfill: {}, match: { allowShrink: true } }, { ...base, log, config, signal: stop.signal });
    running.catch(() => undefined);
    /** A quiet pass that started after `after`'s end: every write before it is published. */
    const quietAfter = (after: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (passes().some((p) => p.pass > after + 1 && p.outcome === 'quiet')) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        running.then(() => reject(new Error('the watcher stopped')), reject);
        check();
      });
    try {
      await quietAfter(0);
      const outcomes = new Set<string>();
      for (let round = 0; round < 5; round++) {
        const did = await mutate();
        await quietAfter(passes().length);
        passes().forEach((p) => outcomes.add(p.outcome));
        expect(await resultSet(t), `watch round ${round}: ${did.join(', ')}`).toEqual(await stagedFull());
        await expectListsArePrefixes(200 + round);
      }
      expect(outcomes).toContain('published');
    } finally {
      stop.abort(new InterruptedError('test over'));
      await running.catch(() => undefined);
    }
    expect(lines.find((l) => l.event === 'watch_stopped')).toBeDefined();
  });

  it('lists that lose more than their reserve are recomputed whole, still exactly', async () => {
    const open = await ids("SELECT id FROM job_postings WHERE status = 'PUBLISHED' AND deleted_at IS NULL AND (deadline_date IS NULL OR deadline_date >= '2026-01-20')");
    const talents = await ids("SELECT talent_user_id AS id FROM talent_embeddings ORDER BY 1 LIMIT 60");
    await t.exec("UPDATE job_postings SET status = 'CLOSED' WHERE id IN (?)", [open.slice(0, Math.ceil(open.length * 0.75))]);
    await t.exec('UPDATE users SET deleted_at = NOW() WHERE id IN (?)', [talents]);
    const s = await incremental({ maxChange: '100%' });
    expect(s.params.incremental).toBe(true);
    expect((s.counts as IncrementalRunCounts).listsRecomputedForLostReserve).toBeGreaterThan(0);
    expect(await resultSet(t)).toEqual(await stagedFull());
    await t.exec('UPDATE users SET deleted_at = NULL WHERE id IN (?)', [talents]);
    await t.exec("UPDATE job_postings SET status = 'PUBLISHED' WHERE id IN (?)", [open.slice(0, Math.ceil(open.length * 0.75))]);
    const back = await incremental({ maxChange: '100%' });
    expect(back.params.incremental).toBe(true);
    expect(await resultSet(t)).toEqual(await stagedFull());
  });

  it("reads only the changed subjects' lists of a direction whose other side did not change, still exactly", async () => {
    const [{ n: talentLists }] = (await t.exec("SELECT COUNT(*) AS n FROM match_lists WHERE direction = 'talent_to_job'")) as { n: number }[];
    const [{ n: jobLists }] = (await t.exec("SELECT COUNT(*) AS n FROM match_lists WHERE direction = 'job_to_talent'")) as { n: number }[];
    // One talent's profile: every posting list may hold it (all read), no posting changed (only its own talent list read).
    const [{ id: talentRow }] = (await t.exec("SELECT mv.id FROM matching_vectors mv JOIN match_lists l ON l.subject_id = mv.user_id AND l.direction = 'talent_to_job' WHERE mv.role = 'talent' ORDER BY mv.id LIMIT 1")) as { id: number }[];
    await t.exec('UPDATE matching_vectors SET vector_skills = ?, updated_at = updated_at + INTERVAL 1 SECOND WHERE id = ?', [vec(), talentRow]);
    await backfill({ source: 'matching_vectors', allowShrink: true }, ctxFor(t));
    const one = await incremental();
    expect(one.params.incremental).toBe(true);
    expect(one.counts).toMatchObject({ talentsChanged: 1, jobsChanged: 0, jobsAdded: 0, jobsRemoved: 0, listsRead: Number(jobLists) + 1 });
    expect(await resultSet(t)).toEqual(await stagedFull());
    await expectListsArePrefixes(100);
    // One posting's facets: the mirror image.
    const [{ id: postingRow }] = (await t.exec("SELECT mv.id FROM matching_vectors mv JOIN match_lists l ON l.subject_id = mv.job_posting_id AND l.direction = 'job_to_talent' WHERE mv.role = 'company' ORDER BY mv.id LIMIT 1")) as { id: number }[];
    await t.exec('UPDATE matching_vectors SET vector_roles = ?, updated_at = updated_at + INTERVAL 1 SECOND WHERE id = ?', [vec(), postingRow]);
    await backfill({ source: 'matching_vectors', allowShrink: true }, ctxFor(t));
    const posting = await incremental();
    expect(posting.params.incremental).toBe(true);
    expect(posting.counts).toMatchObject({ jobsChanged: 1, talentsChanged: 0, talentsAdded: 0, talentsRemoved: 0, listsRead: Number(talentLists) + 1 });
    expect(await resultSet(t)).toEqual(await stagedFull());
    await expectListsArePrefixes(101);
  });

  it('with nothing changed, records no run and publishes nothing', async () => {
    const before = await resultSet(t);
    const [{ n: runsBefore }] = (await t.exec('SELECT COUNT(*) AS n FROM match_runs')) as { n: number }[];
    const published = await t.exec('SELECT * FROM match_published');
    const s = await incremental();
    expect(s).toMatchObject({ published: false, counts: { unchanged: true } });
    expect(await resultSet(t)).toEqual(before);
    expect(await t.exec('SELECT * FROM match_published')).toEqual(published);
    expect(await t.exec('SELECT COUNT(*) AS n FROM match_runs')).toEqual([{ n: runsBefore }]);
  });

  it('rollback undoes an incremental run exactly; the run before it is published again', async () => {
    const before = await publishedRows(t);
    const [{ run_id: beforeRun }] = (await t.exec('SELECT run_id FROM match_published')) as { run_id: number }[];
    await newTalent();
    await t.exec("UPDATE job_postings SET status = 'CLOSED' WHERE id = ?", [pick(await ids("SELECT id FROM job_postings WHERE status = 'PUBLISHED' AND deleted_at IS NULL"))]);
    await backfill({ source: 'matching_vectors' }, ctxFor(t));
    const s = await incremental();
    expect(await publishedRows(t)).not.toEqual(before);
    const rb = await rollback({}, ctx());
    expect(rb).toMatchObject({ how: 'increment', unpublishedRunId: s.runId, restoredRunId: Number(beforeRun) });
    // Every row as it was, with the run that wrote it.
    expect(await publishedRows(t)).toEqual(before);
    // The next incremental run starts from the restored state and catches up again.
    const again = await incremental();
    expect(again.params.incremental).toBe(true);
    expect(await resultSet(t)).toEqual(await stagedFull());
  });

  it('a local vector cache serves unchanged vectors, and a damaged one can never change a result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitmatch-vcache-'));
    try {
      const cached = async () => {
        const c = ctx({ vectorCache: dir });
        const s = await match({ incremental: true }, c);
        expect(s.params.incremental).toBe(true);
        expect(await resultSet(t)).toEqual(await stagedFull());
        return { counts: s.counts as Record<string, number>, log: c.log.lines.join('\n') };
      };
      await newPosting();
      await backfill({ source: 'matching_vectors' }, ctxFor(t));
      const cold = await cached();
      expect(cold.log).toMatch(/vector cache is empty: .* did not exist/);
      expect(cold.counts.vectorsFromCache).toBe(0);
      expect(cold.counts.vectorsFromDb).toBeGreaterThan(0);

      await newPosting();
      await backfill({ source: 'matching_vectors' }, ctxFor(t));
      const warm = await cached();
      expect(warm.counts.vectorsFromCache).toBeGreaterThan(0);

      // Damage every cached vector (headers intact, so each record still looks valid: 30 bytes, src/vectors/VectorCache.ts).
      const file = readdirSync(dir).find((f) => f.endsWith('.talent.fmvc'))!;
      const bytes = readFileSync(join(dir, file));
      for (let at = 0; at + 30 <= bytes.length; ) {
        const next = at + 30 + bytes.readUInt16LE(at + 20) + bytes.readUInt32LE(at + 22);
        bytes[next - 1] ^= 0x5a;
        at = next;
      }
      writeFileSync(join(dir, file), bytes);
      await newPosting();
      await backfill({ source: 'matching_vectors' }, ctxFor(t));
      const damaged = await cached();
      expect(damaged.log).toMatch(/talent\.fmvc: 0 used, \d+ not there or changed, [1-9]\d* rejected/);
      expect(damaged.counts.vectorsFromDb).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to a full run, and says why, when the weights differ from the published run', async () => {
    const c = ctx({ weights: 'roles=2' });
    const s = await match({ incremental: true, allowShrink: true }, c);
    expect(s.params.incremental).toBeUndefined();
    expect(c.log.lines.join('\n')).toMatch(/incremental run not possible: --weights .* differ from the published run's .*; running a full run instead/);
  });

  it('falls back when more than --max-change of one side changed', async () => {
    await incremental({ weights: 'roles=2', maxChange: '100%' }).catch(() => undefined);
    for (let i = 0; i < 10; i++) await newPosting();
    await backfill({ source: 'matching_vectors' }, ctxFor(t));
    const c = ctx({ weights: 'roles=2', maxChange: '5%' });
    const s = await match({ incremental: true }, c);
    expect(s.params.incremental).toBeUndefined();
    expect(c.log.lines.join('\n')).toMatch(/of one side changed, more than --max-change 5%/);
  });
});
