import type { PoolConnection } from 'mysql2/promise';
import { sqlTuple } from './sqlTuple.js';
import { SEED_TABLES, type Row, type RowSink, type SeedTable } from './tables.js';

/** FK parents of each table: a table's statement is sent only once its parents' rows are committed. */
const PARENTS: Record<SeedTable, SeedTable[]> = {
  users: [],
  companies: ['users'],
  job_postings: ['companies'],
  job_posting_cards: ['job_postings'],
  talent_profiles: ['users'],
  experiences: ['users'],
  educations: ['users'],
  activities: ['users'],
  certifications: ['users'],
  talent_cards: ['users'],
  matching_vectors: ['users', 'job_postings'],
};

/**
 * Buffers rows per table into multi-row INSERTs under `maxBytes` and sends them over
 * a few dedicated connections: the generator builds the next statements while the
 * server writes the last ones. Foreign keys stay checked: before a table's statement
 * goes out, its parents' buffered rows are sent and committed, so an interrupted
 * seed never leaves orphans that --reset could not find.
 * Memory: about (tables + connections) × maxBytes.
 */
export class StatementSink implements RowSink {
  private readonly parts = new Map<SeedTable, string[]>();
  private readonly sizes = new Map<SeedTable, number>();
  private readonly full = new Set<SeedTable>();
  private readonly pending = new Map<SeedTable, Set<Promise<void>>>();
  private readonly idle: PoolConnection[];
  private readonly waiters: ((c: PoolConnection) => void)[] = [];
  private failure: unknown = null;
  bytes = 0;
  statements = 0;

  /** @param maxBytes statement size limit; a table is flushed once it passes 3/4 of it, leaving room for one more entity. */
  constructor(
    conns: PoolConnection[],
    private readonly maxBytes: number,
  ) {
    this.idle = [...conns];
  }

  add(table: SeedTable, row: Row): void {
    const tuple = sqlTuple(row);
    // Korean text is 3 bytes per character in utf8mb4; vector rows are ASCII.
    const size = (table === 'matching_vectors' ? tuple.length : Buffer.byteLength(tuple)) + 1;
    let parts = this.parts.get(table);
    if (!parts) this.parts.set(table, (parts = []));
    parts.push(tuple);
    const used = (this.sizes.get(table) ?? 0) + size;
    this.sizes.set(table, used);
    if (used >= this.maxBytes * 0.75) this.full.add(table);
  }

  async ready(): Promise<void> {
    this.throwIfFailed();
    for (const table of [...this.full]) await this.flush(table);
  }

  /** Waits for statements in flight without throwing (cleanup after a failure or interrupt). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].flatMap((s) => [...s]));
  }

  /** Sends everything buffered, parents first, and waits for it all. */
  async finish(): Promise<void> {
    for (const table of Object.keys(SEED_TABLES) as SeedTable[]) await this.flush(table);
    await this.settle();
    this.throwIfFailed();
  }

  private async flush(table: SeedTable): Promise<void> {
    this.full.delete(table);
    const parts = this.parts.get(table);
    if (!parts?.length) return;
    for (const p of PARENTS[table]) {
      await this.flush(p);
      await Promise.allSettled([...(this.pending.get(p) ?? [])]);
      this.throwIfFailed();
    }
    this.parts.set(table, []);
    this.sizes.set(table, 0);
    const sql = `INSERT INTO \`${table}\` (${SEED_TABLES[table].map((c) => `\`${c}\``).join(',')}) VALUES ${parts.join(',')}`;
    this.bytes += sql.length;
    this.statements++;
    const conn = await this.connection();
    let set = this.pending.get(table);
    if (!set) this.pending.set(table, (set = new Set()));
    const p: Promise<void> = conn
      .query(sql)
      .then(() => undefined)
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        set.delete(p);
        const next = this.waiters.shift();
        if (next) next(conn);
        else this.idle.push(conn);
      });
    set.add(p);
  }

  private connection(): Promise<PoolConnection> {
    const c = this.idle.pop();
    return c ? Promise.resolve(c) : new Promise((resolve) => this.waiters.push(resolve));
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
