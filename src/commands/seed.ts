import type { PoolConnection } from '../store/sql.js';
import { maxAllowedPacket } from '../store/writeEmbeddings.js';
import type { CommandContext } from '../context.js';
import { acquireLock } from '../db/advisoryLock.js';
import type { Db } from '../db/connect.js';
import { ExitCode, FitmatchError, InterruptedError } from '../errors.js';
import { ensureAppSchema } from '../seed/appSchema.js';
import { generateAll } from '../seed/generate.js';
import { GenState } from '../seed/genState.js';
import { dirtyLines, type SeedManifest } from '../seed/manifest.js';
import { deleteSeedData } from '../seed/reset.js';
import { inspectTarget, refusal } from '../seed/safety.js';
import { StatementSink } from '../seed/statementSink.js';
import { idBases } from '../seed/tables.js';

export interface SeedOptions {
  seed?: number;
  talents?: number;
  jobs?: number;
  companies?: number;
  /** Dimension of every facet vector (production: 1536). */
  dim?: number;
  /** Share (0..1) of live talents and postings that get a dirty case. */
  dirty?: number;
  /** Write even into a database holding data the seed did not create, or named like production. */
  force?: boolean;
  /** Delete earlier seed data (and only seed data) first. */
  reset?: boolean;
  /** Connections writing in parallel. */
  connections?: number;
  /** IANA zone whose date is "today" for deadlines; pass config.timezone so match agrees. */
  timezone?: string;
}

export const SEED_DEFAULTS = { seed: 42, talents: 2000, jobs: 400, companies: 80, dim: 1536, dirty: 0.05, connections: 2 };
const DEFAULT_TIMEZONE = 'Asia/Seoul';
const MAX_STATEMENT = 8 * 2 ** 20;

/**
 * Generates a deterministic FitConnect-shaped dataset (see src/seed/) into the app's
 * tables, loading the app schema first into an empty database. Returns the manifest
 * of everything written, dirty cases included. Benchmarks call this directly.
 */
export async function seed(opts: SeedOptions, ctx: Pick<CommandContext, 'db' | 'log' | 'clock' | 'signal'>): Promise<SeedManifest> {
  const o = resolveOptions(opts);
  const { db, log } = ctx;
  const started = Date.now();
  const lock = await acquireLock(db, 'seed', { holder: 'another fitmatch seed' });
  try {
    await ensureAppSchema(db, log);
    const target = await inspectTarget(db);
    const why = refusal(target, db.settings.database);
    if (why && !o.force) throw new FitmatchError(`refusing to seed ${db.settings.display}: ${why}; pass --force to write anyway`, ExitCode.USAGE);
    if (target.seedUsers > 0) {
      if (!o.reset) throw new FitmatchError(`${db.settings.database} already holds seed data (${target.seedUsers} seed users); pass --reset to replace it`, ExitCode.USAGE);
      await deleteSeedData(db, log);
    }
    const st = new GenState({ ...o, now: ctx.clock.now() }, await idBases(db.pool));
    const statementBytes = await statementLimit(db, o.dim);
    log.info(`seeding ${db.settings.display}: ${o.companies} companies, ${o.jobs} postings, ${o.talents} talents, 6 × ${o.dim} dims, dirty ${o.dirty}, seed ${o.seed}`);
    const conns: PoolConnection[] = [];
    let sink: StatementSink | null = null;
    try {
      for (let i = 0; i < o.connections; i++) conns.push(await db.pool.getConnection());
      sink = new StatementSink(conns, statementBytes);
      let lastLog = Date.now();
      await generateAll(st, sink, {
        checkpoint: (done, total) => {
          if (ctx.signal.aborted) {
            throw new InterruptedError('seed', `${done} of ${total} entities written; they stay: run again with --reset to start over`);
          }
          if (Date.now() - lastLog >= 2000) {
            lastLog = Date.now();
            log.event('seed_progress', { done, total, mb: Math.round(sink!.bytes / 2 ** 20) }, `seed: ${done}/${total} entities, ${Math.round(sink!.bytes / 2 ** 20)} MB written`);
          }
        },
      });
      await sink.finish();
    } finally {
      await sink?.settle();
      for (const c of conns) c.release();
    }
    const m = st.manifest;
    m.timings = { totalMs: Date.now() - started, bytesWritten: sink.bytes, statements: sink.statements };
    report(m, ctx.log);
    return m;
  } finally {
    await lock.release();
  }
}

function report(m: SeedManifest, log: Pick<CommandContext, 'log'>['log']): void {
  const t = m.timings!;
  const secs = t.totalMs / 1000;
  log.event(
    'seed_done',
    { rows: m.rows, statuses: m.statuses, deadlines: m.deadlines, expected: m.expected, dirty: Object.fromEntries(Object.entries(m.dirty).map(([k, d]) => [k, d.count])), timings: t },
    `seeded in ${secs.toFixed(1)}s (${(t.bytesWritten / 2 ** 20).toFixed(0)} MB of SQL, ${(t.bytesWritten / 2 ** 20 / secs).toFixed(1)} MB/s): ` +
      `${m.rows.users} users, ${m.rows.talent_profiles} talent profiles, ${m.rows.companies} companies, ${m.rows.job_postings} postings, ${m.rows.matching_vectors} matching_vectors rows`,
  );
  if (log.format === 'human') {
    log.info(`postings by status: ${Object.entries(m.statuses).map(([k, v]) => `${k} ${v}`).join(', ')}; deadlines: ${Object.entries(m.deadlines).map(([k, v]) => `${k} ${v}`).join(', ')} (today = ${m.today})`);
    log.info(`soft-deleted: ${m.softDeleted.users} users, ${m.softDeleted.talentProfiles} profiles, ${m.softDeleted.jobPostings} postings; ${m.talentsWithoutProfile} talents without a profile`);
    log.info(`dirty cases (kind, count, example ids):\n  ${dirtyLines(m).join('\n  ')}`);
    log.info(`a correct backfill imports ${m.expected.talentEmbeddings} talents and ${m.expected.jobEmbeddings} postings; ${m.expected.eligibleJobs} postings are open for matching`);
  }
}

function resolveOptions(opts: SeedOptions): Required<SeedOptions> {
  const o = { ...SEED_DEFAULTS, force: false, reset: false, timezone: DEFAULT_TIMEZONE, ...stripUndefined(opts) };
  const problems: string[] = [];
  const int = (name: keyof typeof SEED_DEFAULTS, min: number, max: number) => {
    const v = o[name];
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`--${name} must be an integer between ${min} and ${max}, got ${v}`);
  };
  int('seed', 0, Number.MAX_SAFE_INTEGER);
  int('talents', 1, 10_000_000);
  int('jobs', 1, 10_000_000);
  int('companies', 1, 1_000_000);
  int('dim', 1, 65_536);
  int('connections', 1, 8);
  if (!(o.dirty >= 0 && o.dirty <= 1)) problems.push(`--dirty must be a share between 0 and 1, got ${o.dirty}`);
  if (problems.length) throw new FitmatchError(`invalid seed options:\n  - ${problems.join('\n  - ')}`, ExitCode.USAGE);
  return o;
}

const stripUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Statement size under max_allowed_packet (with room for protocol overhead), refusing when one vector row cannot fit. */
async function statementLimit(db: Db, dim: number): Promise<number> {
  const packet = await maxAllowedPacket(db);
  const limit = Math.min(MAX_STATEMENT, Math.floor(packet * 0.9) - 4096);
  // Two vector rows (a duplicate pair) must fit in the quarter of a statement left after the flush threshold.
  const rowBytes = 2 * (6 * dim * 12 + 1024) * 4;
  if (rowBytes > limit) {
    throw new FitmatchError(
      `max_allowed_packet is ${packet} bytes, too small for one matching_vectors row at ${dim} dims (~${rowBytes} bytes); raise it (SET GLOBAL max_allowed_packet = 67108864)`,
      ExitCode.USAGE,
    );
  }
  return limit;
}
