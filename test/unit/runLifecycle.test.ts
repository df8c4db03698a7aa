import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchRuns } from '../../src/schema/matchRuns.js';
import { ACTIVE, RESUMABLE, RUN_KINDS, RUN_STATUSES, TRANSITIONS, UNFINISHED } from '../../src/store/runLifecycle.js';

const SRC = new URL('../../src/', import.meta.url).pathname;
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
/** Files allowed to name statuses: the lifecycle module and the schema. */
const OWNERS = ['store/runLifecycle.ts', 'schema/matchRuns.ts'];
/** The same words meaning something else: a `migrate --check` check's result. */
const OTHER_MEANINGS: Record<string, string[]> = { 'commands/migrateCheck.ts': ['failed'] };

describe('the run lifecycle', () => {
  it('takes its statuses and kinds from the schema', () => {
    expect(RUN_STATUSES).toEqual(matchRuns.status.enumValues);
    expect(RUN_KINDS).toEqual(matchRuns.kind.enumValues);
  });

  it('every status but the terminal abandoned is left by some transition, and every status is entered or initial', () => {
    const left = new Set<string>(Object.values(TRANSITIONS).flatMap((t) => t.from));
    const entered = new Set<string>(Object.values(TRANSITIONS).map((t) => t.to));
    expect(RUN_STATUSES.filter((s) => !left.has(s))).toEqual(['abandoned']);
    expect(RUN_STATUSES.filter((s) => !entered.has(s))).toEqual(['preparing']);
    expect(ACTIVE.every((s) => UNFINISHED.includes(s))).toBe(true);
    expect(RESUMABLE.every((s) => UNFINISHED.includes(s))).toBe(true);
  });

  it('no status literal or status list appears in src outside the lifecycle module and the schema', () => {
    const word = new RegExp(`(['"\`])(${RUN_STATUSES.join('|')})\\1`, 'g');
    const found: string[] = [];
    for (const f of files(SRC)) {
      const rel = relative(SRC, f);
      if (OWNERS.includes(rel)) continue;
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(word)) if (!OTHER_MEANINGS[rel]?.includes(m[2])) found.push(`src/${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
