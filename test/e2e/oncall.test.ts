import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { DIRTY_SQL } from '../db/backfillDirtyData.js';
import { publishedRows } from '../db/matchHelpers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const BIN = fileURLToPath(new URL('../../bin/fitmatch', import.meta.url));

interface Proc {
  kill(sig: NodeJS.Signals): void;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  waitFor(text: string): Promise<void>;
}

/** Spawns bin/fitmatch in an empty directory (no .env) with JSON logs. */
function fitmatch(args: string[], env: Record<string, string>, cwd: string): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', FITMATCH_LOG_FORMAT: 'json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of waiters.filter((x) => stderr.includes(x.text))) w.resolve();
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    kill: (sig) => child.kill(sig),
    exit,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exit.then(() => reject(new Error(`exited before "${text}":\n${stderr}`)));
      }),
  };
}

describe('the on-call commands as processes: run, status, explain', () => {
  let t: TestDatabase;
  let dir: string;
  const user = `fm_oncall_${randomBytes(3).toString('hex')}`;
  const password = `Oncall-${randomBytes(6).toString('hex')}-pw`;
  let userUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fitmatch-oncall-'));
    t = await createTestDatabase('oncall_e2e', { migrate: false });
    await t.exec(DIRTY_SQL);
    await t.exec("UPDATE job_postings SET status = 'PUBLISHED'");
    for (const host of ['%', 'localhost']) {
      await t.exec(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
      await t.exec(`GRANT ALL ON \`${t.name}\`.* TO '${user}'@'${host}'`);
    }
    const u = new URL(t.url);
    u.username = user;
    u.password = password;
    userUrl = u.toString();
  });
  afterAll(async () => {
    for (const host of ['%', 'localhost']) await t?.exec(`DROP USER IF EXISTS '${user}'@'${host}'`);
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run --migrate: migrates, backfills, matches and publishes; one summary, exit 0', async () => {
    const report = join(dir, 'run.json');
    const r = await fitmatch(['run', '--migrate', '--top-k', '3', '--report-json', report], { DATABASE_URL: t.url }, dir).exit;
    expect(r.code, r.stderr).toBe(0);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.event === 'run_summary')).toHaveLength(1);
    expect(events.map((e) => e.event).filter(Boolean)).toEqual(expect.arrayContaining(['migration_applied', 'backfill_summary', 'match_summary', 'run_summary']));
    const s = JSON.parse(readFileSync(report, 'utf8'));
    expect(s.phases.migrate.applied.length).toBeGreaterThan(0);
    expect(s.phases.backfill.talents.inserted).toBe(5);
    expect(s.phases.match).toMatchObject({ published: true, eligibleTalents: 5, eligibleJobs: 2 });
    expect((await publishedRows(t)).length).toBe(s.phases.match.rowsTalentToJob + s.phases.match.rowsJobToTalent);
  });

  it('status --json and explain --json parse, and the password of DATABASE_URL appears nowhere', async () => {
    const st = await fitmatch(['status', '--json'], { DATABASE_URL: userUrl }, dir).exit;
    expect(st.code, st.stderr).toBe(0);
    const report = JSON.parse(st.stdout);
    expect(report.database).toBe(`mysql://${user}:***@127.0.0.1:3306/${t.name}`);
    expect(report.published).toMatchObject({ topK: 3, rows: { talentToJob: expect.any(Number) } });
    expect(report.health).toMatchObject({ exitCode: 0, problems: [] });
    const human = await fitmatch(['status', '--log-format', 'human'], { DATABASE_URL: userUrl }, dir).exit;
    expect(human.stdout).toContain('health        ok');
    const ex = await fitmatch(['explain', '--talent', '1', '--job', '10', '--json'], { DATABASE_URL: userUrl }, dir).exit;
    expect(ex.code, ex.stderr).toBe(0);
    expect(JSON.parse(ex.stdout)).toMatchObject({ talent_id: 1, job_id: 10, overall: { score_100: expect.any(Number) } });
    for (const out of [st, human, ex]) {
      expect(out.stdout + out.stderr).not.toContain(password);
      expect(out.stdout + out.stderr).not.toContain(encodeURIComponent(password));
    }
  });

  it('SIGTERM between the backfill and the match: exit 5, match_results untouched', async () => {
    const before = await publishedRows(t);
    const p = fitmatch(['run', '--top-k', '1'], { DATABASE_URL: t.url, FITMATCH_TEST_HOLD: 'before_match' }, dir);
    await p.waitFor('"event":"held"');
    p.kill('SIGTERM');
    const r = await p.exit;
    expect(r.code).toBe(ExitCode.INTERRUPTED);
    expect(r.stderr).toContain('before the match phase: match_results is unchanged');
    expect(await publishedRows(t)).toEqual(before);
    const st = await fitmatch(['status', '--json'], { DATABASE_URL: t.url }, dir).exit;
    expect(JSON.parse(st.stdout).published.topK).toBe(3);
  });
});
