import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/layout.md's folder table against the tree: every folder of src/ and of the
 * repository (those git keeps) is listed, and every path the table names exists.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOT_KEPT = new Set(['node_modules', 'dist', '.git', 'tmpexp', 'coverage']);

/** The paths the table's first column names: "src/cli.ts, src/cli/  argv → …" names src/cli.ts and src/cli/. */
function tablePaths(): string[] {
  const doc = readFileSync(join(ROOT, 'docs/layout.md'), 'utf8');
  const table = /```text\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return table
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => l.split(/ {2,}/)[0].split(/,\s*/))
    .map((p) => p.trim())
    .filter(Boolean);
}

const folders = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).filter((n) => !NOT_KEPT.has(n) && statSync(join(ROOT, dir, n)).isDirectory());

describe('docs/layout.md', () => {
  const listed = tablePaths();

  it('names only paths that exist', () => {
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('lists every folder of src/', () => {
    const named = new Set(listed.filter((p) => p.endsWith('/')).map((p) => p.replace(/\/$/, '')));
    expect(folders('src').map((f) => `src/${f}`).filter((f) => !named.has(f))).toEqual([]);
  });

  it('lists every top-level folder of the repository (or a path inside it)', () => {
    const top = new Set(listed.map((p) => p.split('/')[0]));
    expect(folders('.').filter((f) => !top.has(f) && !f.startsWith('.git'))).toEqual([]);
  });
});
