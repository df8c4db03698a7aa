import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { backfill } from '../../src/commands/backfill.js';
import { cleanup } from '../../src/commands/cleanup.js';
import { match } from '../../src/commands/match.js';
import { migrate } from '../../src/commands/migrate.js';
import { rollback } from '../../src/commands/rollback.js';
import { status } from '../../src/commands/status.js';
import { loadConfig } from '../../src/config.js';
import type { CommandContext } from '../../src/context.js';
import { connect } from '../../src/db/connect.js';
import { ExitCode } from '../../src/errors.js';
import { memoryLogger } from '../../src/log.js';
import { report } from '../../src/runCommand.js';
import { createTestDatabase, testUrl, type TestDatabase } from '../helpers/testDb.js';
import { bruteForceEngine } from './matchReference.js';
import { CLEAN_SQL } from './runHelpers.js';

const DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

/** The GRANT statements of docs/configuration.md "Database privileges", as written there. */
function documentedGrants(): { privileges: string[]; on: string }[] {
  const section = readFileSync(DOC, 'utf8').split('## Database privileges')[1];
  const sql = /```sql\n([\s\S]*?)```/.exec(section)![1];
  return [...sql.matchAll(/^GRANT (.+) ON fitconnect\.(\S+) TO 'fitmatch'@'%';$/gm)].map((m) => ({ privileges: m[1].split(/,\s*/), on: m[2] }));
}

const GRANTS = documentedGrants();
/** Each privilege of each GRANT, as "PRIV ON target": the cases to leave out one at a time. */
const EACH = GRANTS.flatMap((g) => g.privileges.map((p) => `${p} ON ${g.on}`));

type Step = 'migrate' | 'backfill' | 'match' | 'incremental' | 'rollback' | 'status' | 'cleanup';
interface Outcome {
  failedAt: Step | null;
  exitCode: number;
  line: string | null;
}

describe('database privileges (docs/configuration.md)', () => {
  const users: string[] = [];
  let root: TestDatabase;
  let isMariaDb = false;

  beforeAll(async () => {
    root = await createTestDatabase('grants_admin', { fixture: false, migrate: false });
    isMariaDb = /mariadb/i.test(String(((await root.exec('SELECT VERSION() AS v')) as { v: string }[])[0].v));
  });
  afterAll(async () => {
    for (const u of users) await root.exec(`DROP USER IF EXISTS '${u}'@'%'`);
    await root?.drop();
  });

  /** A fresh app database and a user with the documented grants minus `without`; runs every command as that user until one fails. */
  async function runAs(without: string | null): Promise<Outcome> {
    const t = await createTestDatabase('grants', { migrate: false });
    const user = `fmt_g_${randomBytes(4).toString('hex')}`;
    users.push(user);
    await root.exec(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw-${user}'`);
    for (const g of GRANTS) {
      const privileges = g.privileges.filter((p) => `${p} ON ${g.on}` !== without);
      if (privileges.length) await root.exec(`GRANT ${privileges.join(', ')} ON \`${t.name}\`.${g.on === '*' ? '*' : `\`${g.on}\``} TO '${user}'@'%'`);
    }
    await t.exec(CLEAN_SQL);
    const url = new URL(testUrl(t.name));
    url.username = user;
    url.password = `pw-${user}`;
    const config = loadConfig({ env: { DATABASE_URL: url.toString() }, cwd: null, flags: { maxChange: '100%' } });
    const db = await connect(config.db);
    const log = memoryLogger();
    const ctx: CommandContext = { db, clock: fixedClock('2026-06-15T03:00:00Z'), log, config, signal: new AbortController().signal };
    const engine = bruteForceEngine();
    const steps: [Step, () => Promise<unknown>][] = [
      ['migrate', () => migrate({}, ctx)],
      ['backfill', () => backfill({ source: 'matching_vectors' }, ctx)],
      ['match', () => match({ engine }, ctx)],
      ['incremental', async () => {
        await t.exec("UPDATE job_postings SET status = 'CLOSED' WHERE id = 11");
        return match({ engine, incremental: true }, ctx);
      }],
      ['rollback', () => rollback({}, ctx)],
      ['status', () => status({ maxAgeMs: null, write: () => {} }, ctx)],
      ['cleanup', () => cleanup({ olderThanMs: 48 * 3_600_000 }, ctx)],
    ];
    try {
      for (const [step, fn] of steps) {
        try {
          await fn();
        } catch (e) {
          const out = memoryLogger();
          const exitCode = report(out, e);
          return { failedAt: step, exitCode, line: out.lines.join('\n') };
        }
      }
      return { failedAt: null, exitCode: 0, line: null };
    } finally {
      await db.close();
      await t.drop();
    }
  }

  it('the documentation lists the grants', () => {
    expect(EACH).toEqual(expect.arrayContaining(['SELECT ON *', 'INSERT ON *', 'CREATE ON *', 'DROP ON *', 'REFERENCES ON users']));
  });

  it('a user with exactly the documented grants runs migrate, backfill, match, an incremental run, rollback, status and cleanup', async () => {
    expect(await runAs(null)).toEqual({ failedAt: null, exitCode: 0, line: null });
  });

  it.each(EACH)('without %s: a command fails with exit 30 and one line naming the privilege, no stack trace', async (without) => {
    const r = await runAs(without);
    if (without.startsWith('REFERENCES') && isMariaDb) {
      // MariaDB does not check REFERENCES (MySQL 8 does, when migrate creates the foreign keys).
      expect(r.failedAt).toBeNull();
      return;
    }
    const privilege = without.split(' ')[0];
    expect(r.failedAt, `without ${without}`).not.toBeNull();
    expect(r.exitCode, r.line ?? '').toBe(ExitCode.DB_PRIVILEGE);
    expect(r.line).toContain(`lacks the ${privilege} privilege`);
    expect(r.line).toContain('docs/configuration.md "Database privileges"');
    expect(r.line).not.toMatch(/\n\s+at /);
    expect(r.line!.split('\n')).toHaveLength(1);
  });
});
