import { exec, rows, type PoolConnection } from './sql.js';
import { FACET_COUNT } from '../facets.js';
import { allocBatch, type ResultBatch } from '../engine/types.js';
import type { ListDirection } from './listStore.js';
import { LIVE } from './resultTables.js';

const F = FACET_COUNT;
/**
 * Keys per statement, as a row-constructor IN list read through the primary key
 * (FORCE INDEX: left to itself, MariaDB 10.11 spent ~0.1 s a statement weighing
 * ranges of every index, and an OR of per-key equalities even blew the range
 * optimizer's limits and scanned the whole direction). Measured on 2,000 random
 * keys of a 248k-row table: 0.55 s with the hint, 3.1 s without. MySQL 8 reads
 * the same list as primary-key ranges. DELETE takes the hint in its multi-table form.
 */
const KEYS_PER_STATEMENT = 2000;
const SUBJECT = { talent_to_job: 'talent_user_id', job_to_talent: 'job_posting_id' } as const;

/** A published row as the database holds it, in the order the undo data keeps it. */
export type StoredRow = [talent: number, job: number, total: string, facets: (string | null)[], runId: number, computedAt: string];

const COLUMNS = `r.talent_user_id, r.job_posting_id, r.total_score, r.score_roles, r.score_skills, r.score_growth, r.score_career, r.score_vision, r.score_culture,
  r.run_id, DATE_FORMAT(r.computed_at, '%Y-%m-%d %H:%i:%s')`;

const keyWhere = (n: number) => `r.direction = ? AND (r.talent_user_id, r.job_posting_id) IN (${Array.from({ length: n }, () => '(?, ?)').join(', ')})`;
/**
 * Keys in primary-key order (talent, job): a statement then touches a narrow run
 * of primary-key pages instead of pages all over the table (what a posting's
 * list of scattered talents would give).
 */
function byPrimaryKey(talentIds: number[], jobIds: number[]): [number[], number[]] {
  const order = talentIds.map((_, i) => i).sort((a, b) => talentIds[a] - talentIds[b] || jobIds[a] - jobIds[b]);
  return [order.map((i) => talentIds[i]), order.map((i) => jobIds[i])];
}

const keyParams = (direction: ListDirection, talentIds: number[], jobIds: number[], from: number, to: number) => {
  const p: unknown[] = [direction];
  for (let i = from; i < to; i++) p.push(talentIds[i], jobIds[i]);
  return p;
};

function toStored(rows: unknown[][]): StoredRow[] {
  return rows.map((r) => [Number(r[0]), Number(r[1]), String(r[2]), r.slice(3, 3 + F).map((x) => (x === null ? null : String(x))), Number(r[3 + F]), String(r[4 + F])]);
}

/** The rows at these (talent, job) keys that exist. */
export async function readRowsByKey(conn: PoolConnection, direction: ListDirection, talentKeys: number[], jobKeys: number[]): Promise<StoredRow[]> {
  const [talentIds, jobIds] = byPrimaryKey(talentKeys, jobKeys);
  const out: StoredRow[] = [];
  for (let i = 0; i < talentIds.length; i += KEYS_PER_STATEMENT) {
    const to = Math.min(talentIds.length, i + KEYS_PER_STATEMENT);
    out.push(...toStored(await rows<unknown[]>(conn, { sql: `SELECT ${COLUMNS} FROM ${LIVE} r FORCE INDEX (PRIMARY) WHERE ${keyWhere(to - i)}`, values: keyParams(direction, talentIds, jobIds, i, to), rowsAsArray: true })));
  }
  return out;
}

/** Every row of these subjects. */
export async function readRowsOfSubjects(conn: PoolConnection, direction: ListDirection, subjects: number[]): Promise<StoredRow[]> {
  const out: StoredRow[] = [];
  for (let i = 0; i < subjects.length; i += 5000) {
    out.push(...toStored(await rows<unknown[]>(conn, { sql: `SELECT ${COLUMNS} FROM ${LIVE} r WHERE r.direction = ? AND r.${SUBJECT[direction]} IN (?)`, values: [direction, subjects.slice(i, i + 5000)], rowsAsArray: true })));
  }
  return out;
}

/** Deletes the rows at these (talent, job) keys; returns how many existed. */
export async function deleteRowsByKey(conn: PoolConnection, direction: ListDirection, talentKeys: number[], jobKeys: number[]): Promise<number> {
  const [talentIds, jobIds] = byPrimaryKey(talentKeys, jobKeys);
  let n = 0;
  for (let i = 0; i < talentIds.length; i += KEYS_PER_STATEMENT) {
    const to = Math.min(talentIds.length, i + KEYS_PER_STATEMENT);
    n += (await exec(conn, `DELETE r FROM ${LIVE} r FORCE INDEX (PRIMARY) WHERE ${keyWhere(to - i)}`, keyParams(direction, talentIds, jobIds, i, to))).affectedRows;
  }
  return n;
}

/** Deletes every row of these subjects; returns how many there were. */
export async function deleteRowsOfSubjects(conn: PoolConnection, direction: ListDirection, subjects: number[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < subjects.length; i += 5000) {
    n += (await exec(conn, `DELETE FROM ${LIVE} WHERE direction = ? AND ${SUBJECT[direction]} IN (?)`, [direction, subjects.slice(i, i + 5000)])).affectedRows;
  }
  return n;
}

/** Stored rows back as a batch the result writer takes. */
export function batchOfStored(direction: ListDirection, rows: StoredRow[]): ResultBatch {
  const n = rows.length;
  const t2j = direction === 'talent_to_job';
  const cents = (s: string) => Math.round(Number(s) * 100);
  const b = allocBatch(direction, n);
  rows.forEach(([talent, job, total, facets, runId, at], i) => {
    b.subjectIds[i] = t2j ? talent : job;
    b.candidateIds[i] = t2j ? job : talent;
    b.totals[i] = cents(total) / 100;
    facets.forEach((f, k) => (b.facetCents[i * F + k] = f === null ? -1 : cents(f)));
    b.runIds[i] = runId;
    b.computedAt[i] = at;
  });
  return b;
}
