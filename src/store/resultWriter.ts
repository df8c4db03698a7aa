import { Readable } from 'node:stream';
import { exec, row, type Pool, type PoolConnection } from './sql.js';
import { ExitCode, FitmatchError } from '../errors.js';
import { RESULT_COLUMNS, toInsertValues, toTsv } from './resultRows.js';
import type { ResultBatch } from '../engine/types.js';

export type WriteMode = 'auto' | 'load-data' | 'insert';
export type WritePath = 'load-data' | 'insert';

/** Rows per LOAD DATA statement: a few MB of text, so memory stays flat for any batch size. */
const LOAD_ROWS = 100_000;
/** Bytes a row takes at most in an INSERT VALUES list (13 columns of numbers). */
const INSERT_ROW_BYTES = 160;

/**
 * `auto` uses LOAD DATA LOCAL INFILE when the server allows it (MySQL 8 ships
 * with local_infile OFF; MariaDB ON) and multi-row INSERT otherwise.
 */
export async function chooseWritePath(pool: Pool, mode: WriteMode): Promise<{ path: WritePath; maxAllowedPacket: number; localInfile: boolean }> {
  const { li, map } = (await row<{ li: number | string; map: number | string }>(pool, 'SELECT @@local_infile AS li, @@max_allowed_packet AS map'))!;
  const localInfile = Number(li) === 1;
  if (mode === 'load-data' && !localInfile) {
    throw new FitmatchError('--write-mode load-data: the server has local_infile=OFF (SET GLOBAL local_infile=1, or use --write-mode auto)', ExitCode.USAGE);
  }
  const path: WritePath = mode === 'insert' || (mode === 'auto' && !localInfile) ? 'insert' : 'load-data';
  return { path, maxAllowedPacket: Number(map), localInfile };
}

/**
 * Writes result batches to `table` with at most `maxInFlight` statements running,
 * so the caller can compute the next block while earlier ones are written. On a
 * single connection (inside a transaction) statements simply queue.
 */
export class ResultWriter {
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  readonly written = { talent_to_job: 0, job_to_talent: 0 };
  writeMs = 0;

  constructor(
    private readonly pool: Pool | PoolConnection,
    private readonly table: string,
    private readonly path: WritePath,
    private readonly maxAllowedPacket: number,
    private readonly maxInFlight = 2,
  ) {}

  async write(batch: ResultBatch): Promise<void> {
    const step = this.path === 'load-data' ? LOAD_ROWS : Math.max(100, Math.floor((this.maxAllowedPacket * 0.8) / INSERT_ROW_BYTES));
    for (let from = 0; from < batch.length; from += step) {
      const to = Math.min(batch.length, from + step);
      const payload = this.path === 'load-data' ? toTsv(batch, from, to) : toInsertValues(batch, from, to);
      while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
      this.throwIfFailed();
      const p = this.send(payload, to - from, batch.direction).catch((e) => {
        this.failure ??= e;
      });
      this.inFlight.push(p);
    }
  }

  async flush(): Promise<void> {
    while (this.inFlight.length) await this.inFlight.shift();
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private async send(payload: Buffer | string, rows: number, direction: ResultBatch['direction']): Promise<void> {
    const t0 = performance.now();
    const { affectedRows: affected } =
      typeof payload === 'string'
        ? await exec(this.pool, `INSERT INTO ${this.table} (${RESULT_COLUMNS}) VALUES ${payload}`)
        : await exec(this.pool, {
            sql: `LOAD DATA LOCAL INFILE 'match_results.tsv' INTO TABLE ${this.table} CHARACTER SET latin1 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${RESULT_COLUMNS})`,
            infileStreamFactory: () => Readable.from([payload]),
          });
    // LOCAL turns errors (duplicates, bad values) into warnings: a short count is a failure, not a skip.
    if (affected !== rows) {
      throw new FitmatchError(`writing ${this.table}: sent ${rows} rows, the server stored ${affected}`, ExitCode.FAILED);
    }
    this.written[direction] += rows;
    this.writeMs += performance.now() - t0;
  }
}
