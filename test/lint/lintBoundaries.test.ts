import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js (docs/layout.md), run on small violating files written under
// src/ for the duration of this test (the rules are scoped by path, and no-cycle reads files from disk).
const ROOT = join(import.meta.dirname, '../..');
const DIR = join(ROOT, 'src/engine', `lintFixture${process.pid}`);
const file = (name: string) => join(DIR, name);

const FILES: Record<string, string> = {
  'readsStore.ts': "import { runById } from '../../store/runStore.js';\nexport const f = runById;\n",
  'readsDb.ts': "import type { Db } from '../../db/connect.js';\nexport type D = Db;\n",
  'readsDriver.ts': "import type { Pool } from 'mysql2/promise';\nexport type P = Pool;\n",
  'mixes.ts': "import type { Pool } from 'mysql2/promise';\nimport * as ort from 'onnxruntime-node';\nexport type P = Pool;\nexport const o = ort;\n",
  'cycleA.ts': "import { b } from './cycleB.js';\nexport const a = (): number => b() + 1;\n",
  'cycleB.ts': "import { a } from './cycleA.js';\nexport const b = (): number => (a.length > 0 ? 0 : 1);\n",
  'holdsSql.ts': "export const q = 'SELECT id FROM match_runs';\nexport const d = (t: string): string => `DELETE FROM ${t} WHERE id = ?`;\nexport const w = 'Select a run to resume';\n",
  'clean.ts': "import { scorePair } from '../scorePair.js';\nexport const s = scorePair;\n",
};

describe('lint enforces the layers', () => {
  const results = new Map<string, string[]>();
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(file(name), text);
    const eslint = new ESLint({ cwd: ROOT });
    for (const r of await eslint.lintFiles(Object.keys(FILES).map(file))) {
      results.set(r.filePath.slice(DIR.length + 1), r.messages.map((m) => m.ruleId ?? m.message));
    }
  }, 120_000);
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('the engine imports nothing from src/store, src/db or mysql2', () => {
    expect(results.get('readsStore.ts')).toEqual(['no-restricted-imports']);
    expect(results.get('readsDb.ts')).toEqual(['no-restricted-imports']);
    expect(results.get('readsDriver.ts')).toEqual(['no-restricted-imports']);
  });

  it('no file imports both mysql2 and onnxruntime-node', () => {
    expect(results.get('mixes.ts')).toContain('no-restricted-syntax');
  });

  it('SQL text outside src/store (and db, migrate, seed, demo) fails; prose that merely starts like it does not', () => {
    expect(results.get('holdsSql.ts')).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
  });

  it('an import cycle fails', () => {
    expect(results.get('cycleA.ts')).toEqual(['import-x/no-cycle']);
    expect(results.get('cycleB.ts')).toEqual(['import-x/no-cycle']);
  });

  it('a file within the rules passes', () => {
    expect(results.get('clean.ts')).toEqual([]);
  });
});
