import { readJournal } from '../../src/migrate/journal.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const BIN = fileURLToPath(new URL('../../bin/fitmatch', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Spawns bin/fitmatch in an empty directory (no .env) with only the given settings in its environment. */
function fitmatch(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: scratch, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let scratch: string;

describe('bin/fitmatch end to end', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'fitmatch-e2e-'));
    t = await createTestDatabase('e2e_cli', { migrate: false });
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('--help lists the subcommands, --version prints the version', async () => {
    const help = await fitmatch(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^\s+migrate \[options\]\s+create and evolve fitmatch's own tables/m);
    const status = await fitmatch(['migrate', '--help']);
    expect(status.stdout).toMatch(/^\s+status \[options\]\s+list applied/m);
    const v = await fitmatch(['--version']);
    expect(v).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('migrate applies, status lists, --check --json passes (exit 0) then catches drift (exit 11)', async () => {
    const env = { DATABASE_URL: t.url };
    const applied = await fitmatch(['migrate'], env);
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain('applied 0000_init (11 statements)');

    const status = await fitmatch(['migrate', 'status', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).migrations).toEqual(readJournal().map((m) => expect.objectContaining({ tag: m.tag, status: 'applied', appliedAt: expect.any(String) })));

    const clean = await fitmatch(['migrate', '--check', '--json'], env);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, exitCode: 0, findings: [] });

    await t.exec('ALTER TABLE match_results ADD COLUMN note VARCHAR(20) NULL');
    const drifted = await fitmatch(['migrate', '--check', '--json'], env);
    expect(drifted.code).toBe(ExitCode.CHECK_DRIFT);
    const report = JSON.parse(drifted.stdout);
    expect(report).toMatchObject({ ok: false, exitCode: 11, failedOn: 'drift' });
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'drift', exitCode: 11, details: expect.objectContaining({ column: 'note' }) })]);
    await t.exec('ALTER TABLE match_results DROP COLUMN note');
  });

  it('invalid configuration reports every problem at once (exit 2)', async () => {
    const r = await fitmatch(['migrate', '--log-format', 'human'], { DATABASE_URL: 'postgres://u:hunter2secret@h/db', FITMATCH_TOP_K: '0', FITMATCH_MEMORY: 'lots' });
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toContain('DATABASE_URL must start with mysql://');
    expect(r.stderr).toContain('FITMATCH_TOP_K must be a whole number between 1 and 1000');
    expect(r.stderr).toContain('FITMATCH_MEMORY must be a size');
    expect(r.stderr + r.stdout).not.toContain('hunter2secret');
  });

  it('a wrong password: a clear error, exit 3, and the password appears nowhere', async () => {
    const password = 'Zq9-wrong-Pa55word';
    const u = new URL(t.url);
    u.password = password;
    for (const args of [['migrate'], ['migrate', '--check', '--json'], ['--log-format', 'human', 'migrate', 'status']]) {
      const r = await fitmatch(args, { DATABASE_URL: u.toString() });
      expect(r.code).toBe(ExitCode.DB_UNAVAILABLE);
      expect(r.stderr).toMatch(/cannot connect to mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306\/.*Access denied.*check the user and password/);
      expect(r.stdout + r.stderr).not.toContain(password);
      expect(r.stdout + r.stderr).not.toContain(encodeURIComponent(password));
    }
  });
});
