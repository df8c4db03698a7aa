import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ExitCode } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { clearSecrets } from '../../src/redact.js';
import { killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/**
 * Issue 10, class 1: whatever DATABASE_URL looks like, no part of its password
 * is ever printed or stored: logs (human and JSON), errors, --json outputs,
 * --report-json files, match_runs rows.
 */

/** Every substring of length >= 4 of a secret, in the forms it could be printed in: as is, URL-encoded, JSON-escaped. */
function fragments(...secrets: string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) {
      for (let len = 4; len <= form.length; len++) for (let i = 0; i + len <= form.length; i++) out.add(form.slice(i, i + len));
    }
  }
  return [...out];
}

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);

/** The fragments of the secrets found in `text`, also inside its JSON lines once decoded (a \" in the text is a " there). */
function leaks(text: string, secrets: string[]): string[] {
  const decoded: string[] = [];
  for (const line of text.split('\n')) {
    try {
      decoded.push(...strings(JSON.parse(line)));
    } catch {
      // not a JSON line
    }
  }
  const haystack = [text, ...decoded].join('\n');
  return fragments(...secrets).filter((f) => haystack.includes(f));
}

// Every character the issue names: @ : / ? # % " \ ' and a space. Written into the URL as is, except % (as %25).
const PASSWORD = `Qz7@Kx:9/Wv?J#Fp%Hn"Lb\\Tj'Rd Gs`;
const WRITTEN = PASSWORD.replace('%', '%25');
// Percent-encoded throughout in the URL.
const ENCODED_PASSWORD = 'Mw4@Yc/Ub:Ve';
const ENCODED_WRITTEN = 'Mw4%40Yc%2FUb%3AVe';

describe('the database password is never printed or stored', () => {
  let t: TestDatabase;
  let dir: string;
  let base: URL;
  const user = `fmsec_${randomBytes(3).toString('hex')}`;
  const encodedUser = `${user}e`;
  const url = (u: string, written: string) => `mysql://${u}:${written}@${base.hostname}:${base.port || 3306}/${t.name}`;
  const outputs: { what: string; text: string }[] = [];
  const check = (what: string, text: string, secrets = [PASSWORD, WRITTEN]) => {
    outputs.push({ what, text });
    expect(leaks(text, secrets), `${what} leaks part of the password:\n${text}`).toEqual([]);
  };

  beforeAll(async () => {
    t = await createTestDatabase('hardening_secrets', { migrate: false });
    base = new URL(t.url);
    dir = mkdtempSync(join(tmpdir(), 'fitmatch-secrets-'));
    for (const [u, p] of [
      [user, PASSWORD],
      [encodedUser, ENCODED_PASSWORD],
    ]) {
      await t.exec("CREATE USER ?@'127.0.0.1' IDENTIFIED BY ?", [u, p]);
      await t.exec(`GRANT ALL PRIVILEGES ON \`${t.name}\`.* TO ?@'127.0.0.1'`, [u]);
    }
  });
  afterAll(async () => {
    await killAllFitmatch();
    for (const u of [user, encodedUser]) await t?.exec("DROP USER IF EXISTS ?@'127.0.0.1'", [u]);
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the parser takes the last "@", decodes escapes, and registers every form before anything can fail', () => {
    const c = loadConfig({ env: { DATABASE_URL: url(user, WRITTEN) }, cwd: null });
    expect(c.db).toMatchObject({ user, password: PASSWORD, host: '127.0.0.1', database: t.name });
    expect(c.db.display).toBe(`mysql://${user}:***@127.0.0.1:${base.port || 3306}/${t.name}`);
    const e = loadConfig({ env: { DATABASE_URL: url(encodedUser, ENCODED_WRITTEN) }, cwd: null });
    expect(e.db.password).toBe(ENCODED_PASSWORD);

    clearSecrets();
    const lines: string[] = [];
    const log = (format: 'human' | 'json') => createLogger({ format, write: (l) => lines.push(l) });
    expect(() => loadConfig({ env: { DATABASE_URL: `${url(user, WRITTEN)}`, FITMATCH_TOP_K: '0' }, cwd: null })).toThrow(/FITMATCH_TOP_K/);
    for (const format of ['human', 'json'] as const) log(format).error(`driver said: ${PASSWORD} / ${WRITTEN} / ${encodeURIComponent(PASSWORD)}`, { echo: PASSWORD });
    check('logger output', lines.join('\n'));
  });

  it('a wrong password against the real server: exit 3 via env, .env and --database-url, in both log formats', async () => {
    // The random part has no digits: encoded after the space ("%20" + it) it must not spell a date of the log's timestamps.
    const wrong = `Zk3@Wr/ong?P#w%25d"x\\y'z ${randomBytes(2).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[Number(d)])}`;
    const wrongUrl = `mysql://root:${wrong}@${base.hostname}:${base.port || 3306}/${t.name}`;
    const secrets = [wrong, decodeURIComponent(wrong)];
    writeFileSync(join(dir, '.env'), `DATABASE_URL="${wrongUrl.replace(/[\\"]/g, (c) => `\\${c}`)}"\n`);
    for (const format of ['human', 'json']) {
      for (const [how, args, env, cwd] of [
        ['env', ['migrate'], { DATABASE_URL: wrongUrl }, undefined],
        ['.env', ['migrate', 'status'], {}, dir],
        ['--database-url', ['--database-url', wrongUrl, 'backfill'], {}, undefined],
      ] as const) {
        const r = await runFitmatch(['--log-format', format, ...args], { env, cwd });
        expect(r.code, r.stderr).toBe(ExitCode.DB_UNAVAILABLE);
        expect(r.stderr).toMatch(/cannot connect to mysql:\/\/root:\*\*\*@127\.0\.0\.1:\d+\/.*Access denied/);
        check(`wrong password via ${how} (${format})`, r.stdout + r.stderr, secrets);
      }
    }
  });

  it('a malformed escape (%ZZ) or a URL that does not parse: exit 2, the problem named, nothing of the password echoed', async () => {
    const cases = [
      ['mysql://fm:Bq8%ZZvTk3@127.0.0.1:3306/db', 'Bq8%ZZvTk3', /malformed percent-escape in the password/],
      ['mysql:/fm:Hx5Jw9Lp@127.0.0.1/db', 'Hx5Jw9Lp', /is not a URL/],
      ['mysql://fm:Hx5Jw9Lp@127.0.0.1:99999/db', 'Hx5Jw9Lp', /port that is not a number/],
      ['mysql://fm:Hx5Jw9Lp@bad host/db', 'Hx5Jw9Lp', /host name with characters/],
      ['postgres://fm:Hx5Jw9Lp@127.0.0.1/db', 'Hx5Jw9Lp', /must start with mysql:\/\//],
      ['fm:Hx5Jw9Lp@127.0.0.1/db', 'Hx5Jw9Lp', /is not a URL/],
    ] as const;
    writeFileSync(join(dir, '.env'), '');
    for (const [i, [bad, password, problem]] of cases.entries()) {
      // Every source and format for the first two; the environment alone for the rest.
      const hows = [
        ['env', 'json', ['migrate'], { DATABASE_URL: bad }],
        ['--database-url', 'human', ['--database-url', bad, 'match'], {}],
        ['--database-url=', 'json', [`--database-url=${bad}`, 'migrate', '--check'], {}],
        ['.env', 'human', ['backfill'], {}],
      ] as const;
      writeFileSync(join(dir, '.env'), `DATABASE_URL='${bad}'\n`);
      for (const [how, format, args, env] of i < 2 ? hows : hows.slice(0, 1)) {
        const r = await runFitmatch(['--log-format', format, ...args], { env, cwd: dir });
        expect(r.code, r.stderr).toBe(ExitCode.USAGE);
        expect(r.stderr).toMatch(problem);
        check(`${bad} via ${how} (${format})`, r.stdout + r.stderr, [password]);
      }
    }
  });

  it('usage errors that echo the command line (a mistyped flag or command) do not echo the password', async () => {
    const u = url(user, WRITTEN);
    for (const format of ['human', 'json']) {
      for (const args of [
        [`--database-urll=${u}`, 'migrate'],
        ['migrate', `--databse-url=${u}`],
        [u, 'migrate'],
        ['backfill', '--source', u],
      ]) {
        const r = await runFitmatch(['--log-format', format, ...args]);
        expect(r.code, r.stderr).toBe(ExitCode.USAGE);
        check(`usage error ${args[0].slice(0, 12)} (${format})`, r.stdout + r.stderr);
      }
    }
  });

  it('every command run with such a password, via env, .env and --database-url: logs, --json, --report-json and match_runs show none of it', async () => {
    const good = url(user, WRITTEN);
    const env = { DATABASE_URL: good };
    const report = join(dir, 'report.json');
    const runs: [string[], Record<string, string>, string | undefined, number][] = [
      [['--log-format', 'human', 'migrate'], env, undefined, 0],
      [['migrate', '--json'], env, undefined, 0],
      [['migrate', 'status', '--json'], env, undefined, 0],
      [['migrate', '--check', '--json'], env, undefined, 0],
      [['seed', '--talents', '120', '--jobs', '30', '--dim', '16', '--json'], env, undefined, 0],
      [['--log-format', 'json', 'backfill', '--report-json', report], env, undefined, 0],
      [['--log-format', 'human', 'backfill', '--dim', '15'], env, undefined, ExitCode.REFUSED],
      [['--log-format', 'json', 'match'], env, undefined, 0],
      [['--log-format', 'human', 'match', '--top-k', '3'], {}, dir, 0],
      [['--log-format', 'json', '--database-url', good, 'rollback'], {}, undefined, 0],
      [['--log-format', 'human', '--database-url', good, 'match', '--top-k', '2'], {}, undefined, 0],
    ];
    writeFileSync(join(dir, '.env'), `export DATABASE_URL="${good.replace(/[\\"]/g, (c) => `\\${c}`)}"\n`);
    for (const [args, e, cwd, code] of runs) {
      const r = await runFitmatch(args, { env: e, cwd });
      expect(r.code, `${args.join(' ')}:\n${r.stderr}`).toBe(code);
      check(`fitmatch ${args.join(' ')}`, r.stdout + r.stderr);
    }
    check('--report-json file', readFileSync(report, 'utf8'));
    const rows = (await t.exec('SELECT * FROM match_runs')) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(4);
    expect(rows.some((r) => r.error !== null)).toBe(true);
    check('match_runs rows', JSON.stringify(rows));
    // The check above is only as good as what the runs printed: they did print the URL, masked.
    expect(outputs.some((o) => o.text.includes(`mysql://${user}:***@127.0.0.1`))).toBe(true);
  });

  it('a percent-encoded password is decoded to connect, and neither form is printed', async () => {
    const r = await runFitmatch(['--log-format', 'human', 'migrate', 'status'], { env: { DATABASE_URL: url(encodedUser, ENCODED_WRITTEN) } });
    expect(r.code, r.stderr).toBe(0);
    check('migrate status with an encoded password', r.stdout + r.stderr, [ENCODED_PASSWORD, ENCODED_WRITTEN]);
  });
});

describe('the default database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fitmatch-default-db-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a command that falls back to the default database says so in its first log line, in both formats', async () => {
    const human = await runFitmatch(['--log-format', 'human', 'migrate', '--check'], { cwd: dir });
    expect(human.stderr.split('\n')[0]).toBe('DATABASE_URL is not set: using the default database mysql://root@127.0.0.1:3306/fitconnect');
    const json = await runFitmatch(['migrate', 'status'], { cwd: dir, env: { FITMATCH_LOG_FORMAT: 'json' } });
    expect(JSON.parse(json.stderr.split('\n')[0])).toMatchObject({ level: 'info', msg: expect.stringContaining('DATABASE_URL is not set: using the default database') });
  });

  it('says nothing of the kind when DATABASE_URL comes from the environment, .env or --database-url', async () => {
    const url = 'mysql://root@127.0.0.1:3306/fitmatch_no_such_db';
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${url}\n`);
    for (const [args, env] of [
      [['migrate', 'status'], {}],
      [['migrate', 'status'], { DATABASE_URL: url }],
      [['--database-url', url, 'migrate', 'status'], {}],
    ] as const) {
      const r = await runFitmatch(['--log-format', 'human', ...args], { cwd: dir, env });
      expect(r.code).toBe(ExitCode.DB_UNAVAILABLE);
      expect(r.stderr).not.toContain('DATABASE_URL is not set');
      expect(r.stderr).toContain('fitmatch_no_such_db');
    }
  });
});
