import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/config/dotenv.js';
import { ExitCode } from '../../src/errors.js';
import { parseJson } from '../../src/store/parseJson.js';
import { killAllFitmatch, runFitmatch } from '../helpers/fitmatchProcess.js';
import { lastRun } from '../helpers/publishedState.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

/**
 * Issue 10, class 7: a .env line that is not KEY=value (e.g. `export FOO`) is
 * a configuration error naming its line, never silently swallowing the next
 * line; quoted values, `export KEY=value` and comments work.
 */
describe('the .env parser', () => {
  it('a line without "=" is a problem naming its line, and does not swallow the next line', () => {
    const r = parseDotenv('export FOO\nDATABASE_URL=mysql://root@db:3306/app\nBAR\n');
    expect(r.values).toEqual({ DATABASE_URL: 'mysql://root@db:3306/app' });
    expect(r.problems).toEqual([expect.stringMatching(/^\.env line 1: expected KEY=value/), expect.stringMatching(/^\.env line 3: expected KEY=value/)]);
  });

  it('problems never quote the text of the line', () => {
    const r = parseDotenv('OPENAI_API_KEY sk-Zt4Wq9Xv\nMY-KEY=Pq7Lm3Rs\n=Hd8Wk2Cz\nTOKEN="Vb6Nn1Qe\nA="x" Jy5Ff0Ut\n');
    // Line 4's quote closes on line 5, which is then "text after the closing quote".
    expect(r.problems.map((p) => /^\.env line (\d+)/.exec(p)?.[1])).toEqual(['1', '2', '3', '5']);
    for (const secret of ['Zt4Wq9Xv', 'Pq7Lm3Rs', 'Hd8Wk2Cz', 'Vb6Nn1Qe', 'Jy5Ff0Ut']) expect(r.problems.join('\n')).not.toContain(secret);
  });

  it('reads comments, blank lines, export, unquoted, single- and double-quoted values', () => {
    const text = [
      '\uFEFF# a comment',
      '',
      'export DATABASE_URL=mysql://u:p@h:3306/d',
      '  PLAIN =  spaced value   # trailing comment',
      'HASH=a#b',
      "SINGLE='lit\\eral # not a comment \"q\"'",
      'DOUBLE="esc \\"q\\" \\\\ \\n # kept"  # comment',
      'MULTI="line one',
      'line two"',
      'EMPTY=',
      'WINDOWS=crlf\r',
      'SEPARATOR=a\u2028b',
      'LAST=no newline, lone CR\r',
    ].join('\n');
    const r = parseDotenv(text);
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({
      DATABASE_URL: 'mysql://u:p@h:3306/d',
      PLAIN: 'spaced value',
      HASH: 'a#b',
      SINGLE: 'lit\\eral # not a comment "q"',
      DOUBLE: 'esc "q" \\ \n # kept',
      MULTI: 'line one\nline two',
      EMPTY: '',
      WINDOWS: 'crlf',
      SEPARATOR: 'a\u2028b',
      LAST: 'no newline, lone CR',
    });
  });

  it('an unclosed quote or text after the closing quote is a problem with its line number', () => {
    expect(parseDotenv('A=1\nB="open\nC=3\n').problems).toEqual([expect.stringMatching(/^\.env line 2: the double quote of B is never closed/)]);
    expect(parseDotenv("A='x' y\n").problems).toEqual([expect.stringMatching(/^\.env line 1: text after the closing quote of A/)]);
  });
});

describe('a .env file through bin/fitmatch', () => {
  let dir: string;
  let t: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fitmatch-dotenv-'));
    t = await createTestDatabase('hardening_dotenv');
  });
  afterAll(async () => {
    await killAllFitmatch();
    rmSync(dir, { recursive: true, force: true });
    await t?.drop();
  });

  it('a bad line: exit 2 naming the line number, nothing of the file echoed, nothing connected to', async () => {
    writeFileSync(join(dir, '.env'), `export FOO\nDATABASE_URL=mysql://root:Sv9Tq2Lx@127.0.0.1:3306/${t.name}\nFITMATCH_TOP_K=5\nOPENAI_API_KEY sk-Zt4Wq9Xv\n`);
    for (const format of ['human', 'json']) {
      const r = await runFitmatch(['--log-format', format, 'match'], { cwd: dir });
      expect(r.code, r.stderr).toBe(ExitCode.USAGE);
      expect(r.stderr).toContain('.env line 1: expected KEY=value');
      expect(r.stderr).toContain('.env line 4: expected KEY=value');
      for (const text of ['Sv9Tq2Lx', 'Zt4Wq9Xv', 'export FOO', 'sk-']) expect(r.stderr + r.stdout).not.toContain(text);
    }
    expect(await lastRun(t.exec, 'match')).toBeUndefined();
  });

  it('a good file: export, quotes and comments all take effect', async () => {
    writeFileSync(
      join(dir, '.env'),
      [
        '# fitmatch, nightly',
        `export DATABASE_URL="mysql://root@127.0.0.1:3306/${t.name}"  # the test database`,
        "FITMATCH_LOG_FORMAT='human'",
        'FITMATCH_TOP_K=7 # fewer than the default',
        '',
      ].join('\n'),
    );
    // The database is empty: --allow-empty lets the (empty) set publish.
    const r = await runFitmatch(['match', '--allow-empty'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // A child's stderr is not a TTY, so without .env its logs would be JSON.
    expect(r.stderr).toMatch(/^match run \d+: /m);
    expect(r.stderr).not.toMatch(/^\{/m);
    const [run] = (await t.exec("SELECT params FROM match_runs WHERE kind = 'full' ORDER BY id DESC LIMIT 1")) as { params: unknown }[];
    expect(parseJson(run.params)).toMatchObject({ topK: 7 });
  });
});
