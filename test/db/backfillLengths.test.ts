import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnyLength } from '../../src/backfill/parsePayload.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';
import { exactLengthExpr } from './backfillHelpers.js';

// Each payload with the length the app would see (null: no list).
const CASES: [string | null, number | null][] = [
  ['[1,2,3]', 3],
  ['[0.1, -0.2, 3e-5, 4]', 4],
  ['{"vector": [1, 2]}', 2],
  ['{"values":[1,2,3,4,5]}', 5],
  ['{"embedding": [-1]}', 1],
  ['{"model": "x", "vector": [1, 2, 3]}', 3],
  ['{"vector": "oops", "values": [1, 1]}', null],
  ['{"other": [1, 2]}', null],
  ['{"values": [1], "vector": [1, 2]}', 2],
  ['[]', 0],
  ['{"vector": []}', 0],
  ['[ 1, 2 ]', 2],
  ['["1,5", "2"]', 2],
  ['[[1, 2], [3, 4]]', 2],
  ['5', null],
  ['"[1,2]"', null],
  [null, null],
];

describe('facet list lengths', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('backfill_len');
    // A JSON column, as matching_vectors has (MariaDB: LONGTEXT + json_valid; MySQL 8: binary JSON).
    await t.exec('CREATE TABLE len_cases (id INT PRIMARY KEY, p JSON)');
    for (const [i, [payload]] of CASES.entries()) await t.exec('INSERT INTO len_cases VALUES (?, ?)', [i, payload]);
  });
  afterAll(async () => t?.drop());

  it('the length the backfill records while parsing (the payload as it reads it) equals the exact server expression on every shape', async () => {
    const rows = (await t.exec(`SELECT id, CAST(p AS CHAR) AS text, ${exactLengthExpr('p')} AS l FROM len_cases ORDER BY id`)) as { id: number; text: string | null; l: number | null }[];
    expect(rows).toHaveLength(CASES.length);
    for (const r of rows) {
      const [payload, expected] = CASES[r.id];
      expect(r.l === null ? null : Number(r.l), `SQL(${payload})`).toBe(expected);
      expect(parseAnyLength(r.text).length, `parseAnyLength(${payload})`).toBe(expected);
    }
  });

});
