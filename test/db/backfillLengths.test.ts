import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactLengthExpr, mariadbLengthExpr } from '../../src/store/matchingVectors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

// Each payload with the length the app would see (null: no list); a third value is the
// MariaDB fast form's documented approximation (a non-list under the key counts as its JSON_LENGTH).
const CASES: [string | null, number | null, number?][] = [
  ['[1,2,3]', 3],
  ['[0.1, -0.2, 3e-5, 4]', 4],
  ['{"vector": [1, 2]}', 2],
  ['{"values":[1,2,3,4,5]}', 5],
  ['{"embedding": [-1]}', 1],
  ['{"model": "x", "vector": [1, 2, 3]}', 3],
  ['{"vector": "oops", "values": [1, 1]}', null, 1],
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

describe('facet length expressions', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('backfill_len');
  });
  afterAll(async () => t?.drop());

  it('the exact path matches the app on every shape; the MariaDB fast form differs only where documented', async () => {
    // A JSON column, as matching_vectors has (MariaDB: LONGTEXT + json_valid; MySQL 8: binary JSON).
    await t.exec('CREATE TABLE len_cases (id INT PRIMARY KEY, p JSON)');
    for (const [i, [payload]] of CASES.entries()) await t.exec('INSERT INTO len_cases VALUES (?, ?)', [i, payload]);
    for (const expr of [exactLengthExpr, mariadbLengthExpr]) {
      const rows = (await t.exec(`SELECT id, ${expr('p')} AS l FROM len_cases ORDER BY id`)) as { id: number; l: number | null }[];
      for (const r of rows) {
        const [payload, expected, approx] = CASES[r.id];
        const want = expr === mariadbLengthExpr && approx !== undefined ? approx : expected;
        expect(r.l === null ? null : Number(r.l), `${expr.name}(${payload})`).toBe(want);
      }
    }
  });
});
