import type { CommandContext } from '../context.js';
import { readMigrationState } from '../migrate/migrator.js';

export interface MigrateStatusOptions {
  dir?: string;
  json?: boolean;
  write?: (text: string) => void;
}

export interface MigrationStatusRow {
  tag: string;
  status: 'applied' | 'pending' | 'half_applied' | 'edited_after_apply' | 'unknown_to_journal';
  appliedAt: string | null;
  statementsApplied: number;
  statementsTotal: number;
}

/** `migrate status`: applied migrations (with applied_at) and pending ones, in journal order. */
export async function migrateStatus(opts: MigrateStatusOptions, ctx: Pick<CommandContext, 'db'>): Promise<MigrationStatusRow[]> {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const state = await readMigrationState(ctx.db, opts.dir);
  const rows: MigrationStatusRow[] = state.migrations.map((m) => {
    const a = state.applied.get(m.tag);
    const status = !a || (!a.appliedAt && a.statementsApplied === 0) ? 'pending' : !a.appliedAt ? 'half_applied' : a.hash !== m.hash ? 'edited_after_apply' : 'applied';
    return { tag: m.tag, status, appliedAt: a?.appliedAt ? new Date(a.appliedAt).toISOString() : null, statementsApplied: a?.statementsApplied ?? 0, statementsTotal: m.statements.length };
  });
  for (const tag of state.unknown) {
    const a = state.applied.get(tag)!;
    rows.push({ tag, status: 'unknown_to_journal', appliedAt: a.appliedAt ? new Date(a.appliedAt).toISOString() : null, statementsApplied: a.statementsApplied, statementsTotal: a.statementsTotal });
  }
  if (opts.json) {
    write(JSON.stringify({ database: ctx.db.settings.display, migrations: rows }, null, 2) + '\n');
  } else {
    const lines = [`migrations for ${ctx.db.settings.display}`];
    for (const r of rows) {
      const detail =
        r.status === 'applied' ? `applied ${r.appliedAt}`
        : r.status === 'half_applied' ? `HALF-APPLIED (${r.statementsApplied}/${r.statementsTotal} statements)`
        : `${r.status.toUpperCase()}${r.appliedAt ? ` (applied ${r.appliedAt})` : ''}`;
      lines.push(`  ${r.tag.padEnd(32)} ${detail}`);
    }
    const applied = rows.filter((r) => r.status === 'applied').length;
    lines.push(`${applied} applied, ${rows.length - applied} pending or needing attention`);
    write(lines.join('\n') + '\n');
  }
  return rows;
}
