import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from './findings.js';
import { DEFAULT_MIGRATIONS_DIR } from './journal.js';
import { messageOf } from '../errors.js';

type Snapshot = { id: string } & Record<string, unknown>;
export interface DrizzleKitApi {
  generateMySQLDrizzleJson(imports: Record<string, unknown>, prevId?: string): Promise<unknown>;
  generateMySQLMigration(prev: never, cur: never): Promise<string[]>;
}

/** drizzle-kit is a devDependency: a production install has no way to run this check. */
export const loadDrizzleKit = async (): Promise<DrizzleKitApi> => (await import('drizzle-kit/api')) as unknown as DrizzleKitApi;

/**
 * Would `drizzle-kit generate` produce a migration? Runs drizzle-kit's own differ (the
 * programmatic API behind `generate`) between the journal's last snapshot and the schema
 * modules, without spawning the CLI or writing files.
 */
export async function checkSync(opts: { schema: Record<string, unknown>; dir?: string; loadApi?: () => Promise<DrizzleKitApi> }): Promise<Finding[]> {
  const dir = opts.dir ?? DEFAULT_MIGRATIONS_DIR;
  let api: DrizzleKitApi;
  try {
    api = await (opts.loadApi ?? loadDrizzleKit)();
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code !== 'ERR_MODULE_NOT_FOUND' && err.code !== 'MODULE_NOT_FOUND') throw e;
    return [{ kind: 'skipped', message: 'sync check SKIPPED (not passed): drizzle-kit is not installed (production install without devDependencies); run the check from a dev install', details: { check: 'unsynced', reason: 'drizzle-kit not installed' } }];
  }
  let entries: { tag: string }[];
  try {
    entries = (JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] }).entries;
  } catch (e) {
    return [{ kind: 'unsynced', message: `cannot read the journal in ${dir}: ${messageOf(e)}`, details: { dir } }];
  }
  const last = entries.at(-1);
  if (!last) return [{ kind: 'unsynced', message: 'the journal has no migrations; run `npm run generate`', details: { dir } }];
  const snapshotFile = join(dir, 'meta', `${last.tag.split('_')[0]}_snapshot.json`);
  if (!existsSync(snapshotFile)) {
    return [{ kind: 'unsynced', message: `snapshot for ${last.tag} is missing (${snapshotFile}); regenerate with \`npm run generate\``, details: { tag: last.tag, snapshotFile } }];
  }
  const prev = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Snapshot;
  const cur = await api.generateMySQLDrizzleJson(opts.schema, prev.id);
  const statements = await api.generateMySQLMigration(prev as never, cur as never);
  if (!statements.length) return [];
  return [{
    kind: 'unsynced',
    message: `migration files are out of sync with src/schema: \`npm run generate\` would produce ${statements.length} statement(s) after ${last.tag}`,
    details: { lastTag: last.tag, statements },
  }];
}
