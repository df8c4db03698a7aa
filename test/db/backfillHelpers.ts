import { fixedClock } from '../../src/clock.js';
import type { CommandContext } from '../../src/context.js';
import { memoryLogger, type Logger } from '../../src/log.js';
import { parseDims, unpackFloat32 } from '../../src/vectors/packedVectors.js';
import type { TestDatabase } from '../helpers/testDb.js';

export function ctxFor(t: TestDatabase, opts: { log?: Logger; signal?: AbortSignal; config?: Partial<CommandContext['config']> } = {}): CommandContext & { lines: string[] } {
  const log = memoryLogger('json');
  return {
    db: t.db,
    clock: fixedClock('2026-01-01T00:00:00Z'),
    log: opts.log ?? log,
    config: { ...t.config, ...opts.config },
    signal: opts.signal ?? new AbortController().signal,
    lines: log.lines,
  };
}

export const FACET_COLS = ['roles', 'skills', 'growth', 'career', 'vision', 'culture'];

export async function storedVectors(t: TestDatabase, table: 'talent_embeddings' | 'job_embeddings', key: number): Promise<(Float32Array | null)[] | null> {
  const keyCol = table === 'talent_embeddings' ? 'talent_user_id' : 'job_posting_id';
  const rows = (await t.exec(`SELECT vectors, facet_dims FROM ${table} WHERE ${keyCol} = ?`, [key])) as { vectors: Buffer; facet_dims: string }[];
  if (!rows.length) return null;
  return unpackFloat32(rows[0].vectors, parseDims(rows[0].facet_dims)!);
}

export const unit = (v: number[]): number[] => {
  const f = v.map((x) => Math.fround(x));
  const n = Math.sqrt(f.reduce((s, x) => s + x * x, 0));
  return f.map((x) => x / n);
};

export const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

export async function keys(t: TestDatabase, table: 'talent_embeddings' | 'job_embeddings'): Promise<number[]> {
  const keyCol = table === 'talent_embeddings' ? 'talent_user_id' : 'job_posting_id';
  const rows = (await t.exec(`SELECT ${keyCol} AS k FROM ${table} ORDER BY 1`)) as { k: number }[];
  return rows.map((r) => Number(r.k));
}

export async function tableChecksum(t: TestDatabase): Promise<string> {
  const rows = (await t.exec('CHECKSUM TABLE talent_embeddings, job_embeddings')) as { Checksum: number }[];
  return rows.map((r) => r.Checksum).join(',');
}

/**
 * The server-side length expression the backfill used to scan every payload with before issue 26
 * (MySQL 8's path; MariaDB used a faster approximation that counted a non-list under the key as
 * its JSON_LENGTH): today's decision, computed independently of the backfill's own parsing.
 */
export const exactLengthExpr = (col: string): string => {
  const key = (k: string) =>
    `WHEN JSON_CONTAINS_PATH(${col}, 'one', '$.${k}') THEN IF(JSON_TYPE(JSON_EXTRACT(${col}, '$.${k}')) = 'ARRAY', JSON_LENGTH(${col}, '$.${k}'), NULL)`;
  return `CASE JSON_TYPE(${col}) WHEN 'ARRAY' THEN JSON_LENGTH(${col}) WHEN 'OBJECT' THEN CASE ${key('vector')} ${key('values')} ${key('embedding')} END END`;
};
