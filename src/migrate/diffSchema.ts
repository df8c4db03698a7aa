import type { Finding } from './findings.js';
import { fkSignature, type ColumnShape, type TableShape } from './schemaShape.js';

const COLUMN_FIELDS = ['type', 'nullable', 'default', 'autoIncrement', 'collation'] as const;

/**
 * Drift between the schema (expected) and the database (actual) for the owned tables:
 * columns (name, type, nullability, default, auto_increment, collation), primary key,
 * indexes (by name: columns, order, uniqueness) and FKs (by signature, not by name).
 * Column order is ignored: readers select columns by name.
 */
export function diffSchema(expected: TableShape[], actual: Map<string, TableShape>): Finding[] {
  const findings: Finding[] = [];
  const drift = (table: string, what: string, message: string, extra: Record<string, unknown> = {}) =>
    findings.push({ kind: 'drift', message: `${table}: ${message}`, details: { table, what, ...extra } });

  for (const exp of expected) {
    const act = actual.get(exp.name);
    if (!act) {
      drift(exp.name, 'table_missing', 'table is missing');
      continue;
    }
    if (act.collation !== exp.collation) drift(exp.name, 'table_collation', `table collation is ${act.collation}, expected ${exp.collation}`, { expected: exp.collation, actual: act.collation });

    const actCols = new Map(act.columns.map((c) => [c.name, c]));
    for (const ec of exp.columns) {
      const ac = actCols.get(ec.name);
      if (!ac) {
        drift(exp.name, 'column_missing', `column ${ec.name} is missing`, { column: ec.name, expected: ec });
        continue;
      }
      for (const field of COLUMN_FIELDS) {
        // A different type implies a different collation: report the cause only.
        if (field === 'collation' && ec.type !== ac.type) continue;
        if (ec[field] !== ac[field]) {
          drift(exp.name, 'column_differs', `column ${ec.name}: ${field} is ${show(ac[field])}, expected ${show(ec[field])}`, { column: ec.name, field, expected: ec[field], actual: ac[field] });
        }
      }
    }
    const expNames = new Set(exp.columns.map((c) => c.name));
    for (const ac of act.columns.filter((c) => !expNames.has(c.name))) {
      drift(exp.name, 'column_unexpected', `column ${ac.name} is not in the schema`, { column: ac.name, actual: ac as ColumnShape });
    }

    if (exp.primaryKey.join(',') !== act.primaryKey.join(',')) {
      drift(exp.name, 'primary_key', `primary key is (${act.primaryKey.join(', ')}), expected (${exp.primaryKey.join(', ')})`, { expected: exp.primaryKey, actual: act.primaryKey });
    }

    const actIdx = new Map(act.indexes.map((i) => [i.name, i]));
    for (const ei of exp.indexes) {
      const ai = actIdx.get(ei.name);
      if (!ai) drift(exp.name, 'index_missing', `index ${ei.name} (${ei.columns.join(', ')}) is missing`, { index: ei.name, expected: ei });
      else if (ai.columns.join(',') !== ei.columns.join(',') || ai.unique !== ei.unique) {
        drift(exp.name, 'index_differs', `index ${ei.name} is ${describeIndex(ai)}, expected ${describeIndex(ei)}`, { index: ei.name, expected: ei, actual: ai });
      }
    }
    const expIdx = new Set(exp.indexes.map((i) => i.name));
    for (const ai of act.indexes.filter((i) => !expIdx.has(i.name))) {
      drift(exp.name, 'index_unexpected', `index ${ai.name} (${ai.columns.join(', ')}) is not in the schema`, { index: ai.name, actual: ai });
    }

    const actFks = new Map(act.foreignKeys.map((f) => [fkSignature(f), f]));
    const expFks = new Set(exp.foreignKeys.map(fkSignature));
    for (const ef of exp.foreignKeys) {
      if (!actFks.has(fkSignature(ef))) drift(exp.name, 'fk_missing', `foreign key ${fkSignature(ef)} is missing`, { expected: ef });
    }
    for (const [sig, af] of actFks) {
      if (!expFks.has(sig)) drift(exp.name, 'fk_unexpected', `foreign key ${af.name} ${sig} is not in the schema`, { actual: af });
    }
  }
  return findings;
}

const show = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? v : JSON.stringify(v));
const describeIndex = (i: { columns: string[]; unique: boolean }) => `${i.unique ? 'UNIQUE ' : ''}(${i.columns.join(', ')})`;
