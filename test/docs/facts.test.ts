import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ExitCode } from '../../src/errors.js';
import { readJournal } from '../../src/migrate/journal.js';
import { CHECK_PRECEDENCE } from '../../src/migrate/findings.js';
import { STATUS_PRECEDENCE } from '../../src/status/statusProblems.js';

/**
 * The numbers the docs state against the code they describe: exit codes and
 * their order, the migrations and their counts, the Kubernetes manifests'
 * settings. A doc that drifts from the code fails here, not in an operator's
 * hands.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const README = read('README.md');
const OPERATIONS = read('docs/operations.md');
const MIGRATIONS = read('docs/migrations.md');
const K8S_README = read('deploy/kubernetes/README.md');

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];
/** "22 > 21 > 20 > 25" after `lead`, as numbers. */
const order = (text: string, lead: string) => {
  const m = new RegExp(`${lead}\\s*(\\d+(?:\\s*>\\s*\\d+)+)`).exec(text);
  if (!m) throw new Error(`no "${lead} N > N …" in the text`);
  return m[1].split('>').map((n) => Number(n.trim()));
};
/** The rows of the first markdown table after `heading`, as cells. */
function tableAfter(text: string, heading: string): string[][] {
  const from = text.indexOf(heading);
  if (from < 0) throw new Error(`no "${heading}"`);
  const lines = text.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('|')) break;
    rows.push(l.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows.slice(2);
}
/** The console block that follows `marker`. */
const blockAfter = (text: string, marker: string) => {
  const from = text.indexOf(marker);
  return /```console\n([\s\S]*?)```/.exec(text.slice(from))![1];
};

describe('exit codes', () => {
  it("the README's table lists every exit code of src/errors.ts, with its name, and no other", () => {
    const rows = tableAfter(README, '## Exit codes').map(([code, name]) => [Number(code), name]);
    expect(rows).toEqual(Object.entries(ExitCode).map(([name, code]) => [code, name]));
  });

  it("migrate --check's precedence, as the README states it", () => {
    expect(order(README, 'exits with the most\nfundamental one:')).toEqual(CHECK_PRECEDENCE.map((p) => p.code));
  });

  it("status's precedence, in the README and in operations.md (sentence and table order)", () => {
    const codes = unique(STATUS_PRECEDENCE.map((p) => p.exitCode));
    expect(order(README, '`status` does the same with')).toEqual(codes);
    expect(order(OPERATIONS, 'Several problems:')).toEqual(codes);
    const table = tableAfter(OPERATIONS, '| exit | when |').map(([code]) => Number(code));
    expect(table.filter((c) => codes.includes(c))).toEqual(codes);
    expect(table).toContain(0);
    expect(table).toContain(ExitCode.DB_UNAVAILABLE);
  });
});

describe('migrations', () => {
  const tags = readJournal().map((m) => m.tag);

  it('docs/migrations.md lists every migration of drizzle/, in order', () => {
    expect(tableAfter(MIGRATIONS, '| migration | what |').map(([tag]) => tag.replace(/`/g, ''))).toEqual(tags);
  });

  it("its example's counts are this journal's", () => {
    const example = blockAfter(MIGRATIONS, '## Example');
    const pending = [...example.matchAll(/^ {2}(\d{4}_\w+) +PENDING$/gm)].map((m) => m[1]);
    expect(pending).toEqual(tags);
    expect(example).toContain(`0 applied, ${tags.length} pending or needing attention`);
    expect(example).toContain(`${tags.length} applied, 0 pending or needing attention`);
    expect([...example.matchAll(/^ {2}- \[pending\] migration (\S+) is not applied$/gm)].map((m) => m[1])).toEqual(tags);
    const findings = [...example.matchAll(/^ {2}- \[(pending|drift)\]/gm)].length;
    expect(example).toContain(`migrate --check failed: ${findings} problem(s)`);
    expect([...example.matchAll(/^applied (\d{4}_\w+) \(\d+ statements\)$/gm)].map((m) => m[1])).toEqual(tags);
  });
});

describe('Kubernetes manifests', () => {
  const dir = join(ROOT, 'deploy/kubernetes');
  type Obj = Record<string, unknown> & { kind: string; metadata: { name?: string } };
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { version: '1.1' }).map((d) => ({ file, obj: d.toJS() as Obj })));
  const jobSpec = (o: Obj): Record<string, unknown> | undefined =>
    o.kind === 'CronJob' ? ((o.spec as Record<string, unknown>).jobTemplate as { spec: Record<string, unknown> }).spec : o.kind === 'Job' ? (o.spec as Record<string, unknown>) : undefined;
  type Rule = { action: string; onExitCodes?: { values: number[] } };
  const failCodes = (o: Obj) => ((jobSpec(o)?.podFailurePolicy as { rules: Rule[] } | undefined)?.rules ?? []).filter((r) => r.action === 'FailJob' || r.action === 'FailIndex').flatMap((r) => r.onExitCodes?.values ?? []);
  const allFailCodes = unique(docs.flatMap((d) => failCodes(d.obj))).sort((a, b) => a - b);
  const listed = (text: string) => unique([...text.matchAll(/\b(\d+)\b/g)].map((m) => Number(m[1]))).sort((a, b) => a - b);

  it('fail at once only on documented exit codes', () => {
    const documented = new Set<number>(Object.values(ExitCode));
    expect(allFailCodes.filter((c) => !documented.has(c))).toEqual([]);
  });

  it("their README's no-retry codes are the manifests' FailJob/FailIndex codes", () => {
    const para = /\*\*Exit codes that a retry cannot fix\*\*([\s\S]*?)Exits 3/.exec(K8S_README)![1];
    expect(listed(para.replace(/\([^)]*\)/g, ''))).toEqual(allFailCodes);
  });

  it("operations.md's no-retry codes are the same", () => {
    const m = /Exit codes a retry cannot fix \(([\d, ]+)\)/.exec(OPERATIONS)!;
    expect(listed(m[1])).toEqual(allFailCodes);
  });

  it('every scheduled incremental run keeps its vector cache on a volume that outlives the pod, as the README recommends', () => {
    expect(README).toContain('FITMATCH_VECTOR_CACHE=');
    const incremental = docs.filter((d) => d.obj.kind === 'CronJob' && JSON.stringify(d.obj).includes('"--incremental"'));
    expect(incremental.length).toBeGreaterThan(0);
    for (const { file, obj } of incremental) {
      const pod = (jobSpec(obj)!.template as { spec: { containers: { env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[]; volumes?: { name: string; persistentVolumeClaim?: unknown }[] } }).spec;
      const c = pod.containers[0];
      const cache = c.env?.find((e) => e.name === 'FITMATCH_VECTOR_CACHE')?.value;
      expect(cache, `${file}: FITMATCH_VECTOR_CACHE`).toBeDefined();
      const mount = c.volumeMounts?.find((m) => cache === m.mountPath || cache!.startsWith(`${m.mountPath}/`));
      expect(mount, `${file}: a volume mounted at ${cache}`).toBeDefined();
      const volume = pod.volumes?.find((v) => v.name === mount!.name);
      expect(volume?.persistentVolumeClaim, `${file}: ${mount!.name} is a PersistentVolumeClaim (an emptyDir is empty every run)`).toBeDefined();
    }
  });
});
