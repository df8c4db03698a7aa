import type { CommandContext } from '../context.js';
import { applyMigrations } from '../migrate/migrator.js';

export interface MigrateOptions {
  lockWaitSeconds?: number;
  /** Migrations directory (default: the package's drizzle/). */
  dir?: string;
}

export interface MigrateResult {
  applied: { tag: string; statements: number }[];
}

/** Applies pending migrations to fitmatch's own tables and returns what it applied (the CLI prints it). */
export async function migrate(opts: MigrateOptions, ctx: Pick<CommandContext, 'db' | 'log'>): Promise<MigrateResult> {
  const { log, db } = ctx;
  log.info(`migrating ${db.settings.display}`);
  const result = await applyMigrations(db, { lockWaitSeconds: opts.lockWaitSeconds, dir: opts.dir });
  if (result.applied.length === 0) log.info('nothing to migrate: the database is up to date');
  for (const a of result.applied) log.event('migration_applied', a, `applied ${a.tag} (${a.statements} statements)`);
  return result;
}
