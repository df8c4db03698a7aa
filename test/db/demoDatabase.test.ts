import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_OWNER_TABLE, defaultDemoDatabase, demoDatabaseUrl, recreateDemoDatabase } from '../../src/demo/demoDatabase.js';
import { ExitCode } from '../../src/errors.js';
import { createTestDatabase, testUrl, type TestDatabase } from '../helpers/testDb.js';

/** `npm run demo` uses a database of its own and drops only what it created (issue 19). */
describe('the demo database', () => {
  let admin: TestDatabase;
  const mine = `fmt_demo_${randomBytes(4).toString('hex')}`;
  const foreign = `fmt_demo_${randomBytes(4).toString('hex')}`;
  const settings = (name: string) => loadConfig({ env: { DATABASE_URL: testUrl(name) }, cwd: null }).db;
  const tables = async (db: string) => ((await admin.exec('SELECT table_name AS n FROM information_schema.tables WHERE table_schema = ? ORDER BY 1', [db])) as { n: string }[]).map((r) => r.n);

  beforeAll(async () => {
    admin = await createTestDatabase('demo_admin', { fixture: false, migrate: false });
  });
  afterAll(async () => {
    for (const db of [mine, foreign]) await admin.exec(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin?.drop();
  });

  it('is named per OS user and checkout unless DATABASE_URL names one', () => {
    expect(defaultDemoDatabase('Jane Doe', 'host-a:/home/jane/fitmatch')).toMatch(/^fitmatch_demo_jane_doe_[0-9a-f]{6}$/);
    expect(defaultDemoDatabase('Jane Doe', 'host-a:/home/jane/fitmatch')).toBe(defaultDemoDatabase('Jane Doe', 'host-a:/home/jane/fitmatch'));
    expect(defaultDemoDatabase('jane', 'host-a:/srv/other-checkout')).not.toBe(defaultDemoDatabase('jane', 'host-a:/home/jane/fitmatch'));
    expect(demoDatabaseUrl({})).toMatch(/^mysql:\/\/root@127\.0\.0\.1:3306\/fitmatch_demo_\w+$/);
    expect(demoDatabaseUrl({ DATABASE_URL: 'mysql://u@h:3306/my_demo' })).toBe('mysql://u@h:3306/my_demo');
  });

  it('is created with an ownership mark, and recreated only by the demo that created it', async () => {
    await recreateDemoDatabase(settings(mine), 'alice@host-a');
    expect(await admin.exec(`SELECT owner FROM \`${mine}\`.${DEMO_OWNER_TABLE}`)).toEqual([{ owner: 'alice@host-a' }]);
    await admin.exec(`CREATE TABLE \`${mine}\`.leftover (id INT)`);
    await recreateDemoDatabase(settings(mine), 'alice@host-a');
    expect(await tables(mine)).toEqual([DEMO_OWNER_TABLE]);

    await admin.exec(`CREATE TABLE \`${mine}\`.results (id INT)`);
    await expect(recreateDemoDatabase(settings(mine), 'bob@host-b')).rejects.toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining('was created by the demo of alice@host-a') });
    expect(await tables(mine)).toEqual([DEMO_OWNER_TABLE, 'results']);
  });

  it('never drops a database it did not create, even one named like a demo', async () => {
    await admin.exec(`CREATE DATABASE \`${foreign}\``);
    await admin.exec(`CREATE TABLE \`${foreign}\`.precious (id INT)`);
    await expect(recreateDemoDatabase(settings(foreign), 'alice@host-a')).rejects.toMatchObject({ exitCode: ExitCode.USAGE, message: expect.stringContaining('was not created by the demo') });
    expect(await tables(foreign)).toEqual(['precious']);
    await expect(recreateDemoDatabase(settings('fmt_not_named_so'), 'alice@host-a')).rejects.toMatchObject({ exitCode: ExitCode.USAGE });
  });
});
