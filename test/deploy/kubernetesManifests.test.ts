// Offline checks of deploy/kubernetes/*.yaml: every document against the Kubernetes
// OpenAPI schema (kubernetes-models), strictly (unknown fields fail), then what the
// fitmatch setup relies on (Indexed Job, shard count, run key, secrets).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CronJob, Job, type ICronJob, type IJob } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim, Secret, type IContainer, type ISecret } from 'kubernetes-models/v1';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { parseBytes } from '../../src/config.js';
import { ExitCode } from '../../src/errors.js';

const DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));
const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string; generateName?: string } };
type Doc = { file: string; index: number; obj: Manifest };

/** All documents of a file. YAML 1.1 like kubectl, so `value: yes` is a boolean there as here. */
function loadFile(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(DIR + file, 'utf8'), { version: '1.1' });
  if (!Array.isArray(docs)) throw new Error(`${file}: not a YAML stream`);
  return docs.map((d, index) => {
    if (d.errors.length) throw new Error(`${file}[${index}]: ${d.errors.map((e) => e.message).join('; ')}`);
    return { file, index, obj: d.toJS() as Manifest };
  });
}
const DOCS = FILES.flatMap(loadFile);

// The models' validate() runs the compiled JSON schema on `this`.
const MODELS: Record<string, { prototype: { validate(): void } }> = {
  'batch/v1 CronJob': CronJob,
  'batch/v1 Job': Job,
  'apps/v1 Deployment': Deployment,
  'v1 Secret': Secret,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
};

/**
 * Schema validation that also rejects unknown fields. kubernetes-models' schemas do
 * not set additionalProperties: false, so a misspelled field passes its validate().
 * The compiled validator reads every property its schema defines (and every key of a
 * map), so we run it on proxies that record the keys read: a key it never read is one
 * the schema does not know.
 */
function validateStrict(manifest: unknown): void {
  const m = manifest as Manifest;
  const model = MODELS[`${m.apiVersion} ${m.kind}`];
  if (!model) throw new Error(`no schema for apiVersion ${m.apiVersion} kind ${m.kind}`);
  const seen = new Map<string, { keys: string[]; read: Set<string> }>();
  const watch = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => watch(x, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const target: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) target[k] = watch(x, path ? `${path}.${k}` : k);
    const read = new Set<string>();
    seen.set(path, { keys: Object.keys(target), read });
    return new Proxy(target, {
      get: (t, k) => (typeof k === 'string' && read.add(k), Reflect.get(t, k)),
      has: (t, k) => (typeof k === 'string' && read.add(k), Reflect.has(t, k)),
    });
  };
  model.prototype.validate.call(watch(manifest, ''));
  const unknown = [...seen].flatMap(([path, { keys, read }]) =>
    keys.filter((k) => !read.has(k)).map((k) => (path ? `${path}.${k}` : k)),
  );
  if (unknown.length) throw new Error(`unknown field(s): ${unknown.join(', ')}`);
}

const clone = <T>(x: T): T => structuredClone(x);
const byName = (name: string): Manifest => {
  const d = DOCS.find((x) => x.obj.metadata?.name === name);
  if (!d) throw new Error(`no manifest named ${name}`);
  return d.obj;
};
const cronJob = (name: string) => byName(name) as ICronJob;
const cronJobs = () => DOCS.filter((d) => d.obj.kind === 'CronJob').map((d) => d.obj as ICronJob);
const container = (cj: ICronJob): IContainer => {
  const cs = cj.spec!.jobTemplate.spec!.template.spec!.containers;
  expect(cs).toHaveLength(1);
  return cs[0];
};
const envVar = (c: IContainer, name: string) => {
  const v = c.env?.find((e) => e.name === name);
  expect(v, `env ${name} of ${c.name}`).toBeDefined();
  return v!;
};
/** Kubernetes quantities as used here: "2", "250m", "2560Mi", "2Gi". */
const quantity = (q: string | number): number => {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(q));
  if (!m) throw new Error(`quantity not understood by this test: ${q}`);
  const unit: Record<string, number> = { '': 1, m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
  return Number(m[1]) * unit[m[2] ?? ''];
};
/** "M H * * *" → minutes after midnight. */
const dailyAt = (schedule: string): number => {
  const m = /^(\d+) (\d+) \* \* \*$/.exec(schedule);
  if (!m) throw new Error(`not a daily schedule: ${schedule}`);
  return Number(m[2]) * 60 + Number(m[1]);
};

describe('deploy/kubernetes manifests validate against the Kubernetes schema', () => {
  it('finds the manifest files', () => {
    expect(FILES).toEqual(['incremental.yaml', 'migrate-job.yaml', 'secret.example.yaml', 'sharded.yaml', 'single.yaml', 'status.yaml', 'watch.yaml']);
  });

  it.each(DOCS.map((d) => [`${d.file}[${d.index}] ${d.obj.kind} ${d.obj.metadata?.name ?? d.obj.metadata?.generateName}`, d]))(
    '%s',
    (_label, d) => {
      expect(() => validateStrict(d.obj)).not.toThrow();
    },
  );

  it('has the expected kinds and names', () => {
    const names = DOCS.map((d) => `${d.file}: ${d.obj.kind} ${d.obj.metadata?.name ?? d.obj.metadata?.generateName}`);
    expect(names).toEqual([
      'incremental.yaml: PersistentVolumeClaim fitmatch-vector-cache',
      'incremental.yaml: CronJob fitmatch-incremental',
      'migrate-job.yaml: Job fitmatch-migrate-',
      'secret.example.yaml: Secret fitmatch-db',
      'sharded.yaml: CronJob fitmatch-backfill',
      'sharded.yaml: CronJob fitmatch-match',
      'single.yaml: CronJob fitmatch-run',
      'status.yaml: CronJob fitmatch-status',
      'watch.yaml: Deployment fitmatch-watch',
    ]);
  });
});

describe('broken copies are rejected', () => {
  type Spec = NonNullable<ICronJob['spec']>;
  const jobSpec = (o: ICronJob) => o.spec!.jobTemplate.spec as unknown as Record<string, unknown>;
  const c0 = (o: ICronJob) => container(o) as unknown as Record<string, unknown>;
  const rename = (o: Record<string, unknown>, from: string, to: string) => {
    expect(o[from], `field ${from} to rename`).toBeDefined();
    o[to] = o[from];
    delete o[from];
  };
  const mutations: [string, (o: ICronJob) => void, RegExp][] = [
    ['completionMode → completionsMode', (o) => rename(jobSpec(o), 'completionMode', 'completionsMode'), /completionsMode/],
    ['backoffLimitPerIndex → backofLimitPerIndex', (o) => rename(jobSpec(o), 'backoffLimitPerIndex', 'backofLimitPerIndex'), /backofLimitPerIndex/],
    ['timeZone → timezone', (o) => rename(o.spec as unknown as Record<string, unknown>, 'timeZone', 'timezone'), /timezone/],
    ['container args → arg', (o) => rename(c0(o), 'args', 'arg'), /containers\[0\]\.arg\b/],
    ['metadata.labels → lables', (o) => rename(o.metadata as Record<string, unknown>, 'labels', 'lables'), /lables/],
    ['parallelism: "four"', (o) => void (jobSpec(o).parallelism = 'four'), /parallelism must be integer/],
    ['completionMode: Indexd', (o) => void (jobSpec(o).completionMode = 'Indexd'), /completionMode must be equal to one of the allowed values/],
    ['FITMATCH_SHARDS value: 4 (a number)', (o) => void (envVar(container(o), 'FITMATCH_SHARDS').value = 4 as unknown as string), /env\/\d+\/value must be string/],
    ['secretKeyRef without key', (o) => void delete (envVar(container(o), 'DATABASE_URL').valueFrom!.secretKeyRef as { key?: string }).key, /must have required property key/],
    ['schedule missing', (o) => void delete (o.spec as Partial<Spec>).schedule, /must have required property schedule/],
    ['apiVersion batch/v1beta1', (o) => void ((o as { apiVersion: string }).apiVersion = 'batch/v1beta1'), /apiVersion/],
  ];

  it('the unbroken sharded CronJob passes (so each failure below is the mutation)', () => {
    expect(() => validateStrict(clone(cronJob('fitmatch-match')))).not.toThrow();
  });

  it.each(mutations)('%s', (_label, mutate, error) => {
    const broken = clone(cronJob('fitmatch-match'));
    mutate(broken);
    expect(() => validateStrict(broken)).toThrow(error);
  });

  it('a misspelled field in the Secret is rejected too', () => {
    const broken = clone(byName('fitmatch-db')) as Record<string, unknown>;
    rename(broken, 'stringData', 'stringdata');
    expect(() => validateStrict(broken)).toThrow(/unknown field\(s\): stringdata/);
  });

  it('a kind without a schema here is rejected', () => {
    expect(() => validateStrict({ apiVersion: 'batch/v1', kind: 'CronJobs' })).toThrow(/no schema/);
  });
});

describe('the sharded match CronJob', () => {
  const cj = cronJob('fitmatch-match');
  const job = cj.spec!.jobTemplate.spec!;
  const c = container(cj);

  it('is an Indexed Job with completions = parallelism = FITMATCH_SHARDS', () => {
    expect(job.completionMode).toBe('Indexed');
    expect(job.completions).toBeGreaterThanOrEqual(1);
    expect(job.parallelism).toBe(job.completions);
    expect(envVar(c, 'FITMATCH_SHARDS').value).toBe(String(job.completions));
  });

  it('retries per index, with restartPolicy Never and no overlapping copies of a shard', () => {
    expect(job.backoffLimitPerIndex).toBeGreaterThanOrEqual(1);
    expect(job.template.spec!.restartPolicy).toBe('Never');
    expect(job.podReplacementPolicy).toBe('Failed');
    for (const rule of job.podFailurePolicy?.rules ?? []) {
      if (rule.onExitCodes) expect(rule.onExitCodes.containerName).toBe(c.name);
    }
  });

  it('runs `match --shard auto` with the run key taken from the Job name', () => {
    const args = c.args ?? [];
    expect(args[0]).toBe('match');
    expect(args[args.indexOf('--shard') + 1]).toBe('auto');
    expect(args[args.indexOf('--run-key') + 1]).toBe('$(FITMATCH_RUN_KEY)');
    expect(envVar(c, 'FITMATCH_RUN_KEY').valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.labels['batch.kubernetes.io/job-name']",
    );
    expect(envVar(c, 'JOB_COMPLETION_INDEX').valueFrom?.fieldRef?.fieldPath).toBe(
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
  });

  it('runs at 03:00 Asia/Seoul, after the backfill has been stopped', () => {
    expect(cj.spec!.schedule).toBe('0 3 * * *');
    const backfill = cronJob('fitmatch-backfill');
    const backfillEnd =
      dailyAt(backfill.spec!.schedule) * 60 + backfill.spec!.jobTemplate.spec!.activeDeadlineSeconds!;
    expect(backfillEnd).toBeLessThanOrEqual(dailyAt(cj.spec!.schedule) * 60);
  });
});

describe('every CronJob', () => {
  it.each(cronJobs().map((cj) => [cj.metadata!.name!, cj]))('%s: schedule, limits and secret', (name, cj) => {
    const spec = cj.spec!;
    const job = spec.jobTemplate.spec!;
    const c = container(cj);
    expect(name.length).toBeLessThanOrEqual(52); // the Job controller appends "-<time>"
    expect(spec.timeZone).toBe('Asia/Seoul');
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(job.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.template.spec!.restartPolicy).toBe('Never');
    const db = envVar(c, 'DATABASE_URL');
    expect(db.value).toBeUndefined();
    expect(db.valueFrom?.secretKeyRef).toEqual({ name: 'fitmatch-db', key: 'DATABASE_URL' });
  });

  it('backfill is one pod running `backfill`, the one-process job runs `run`', () => {
    const backfill = cronJob('fitmatch-backfill');
    expect(container(backfill).args).toEqual(['backfill']);
    expect(backfill.spec!.jobTemplate.spec!.parallelism ?? 1).toBe(1);
    expect(backfill.spec!.jobTemplate.spec!.completions ?? 1).toBe(1);
    expect(container(cronJob('fitmatch-run')).args).toEqual(['run', '--wait-lock', '30m']);
  });

  it.each(['fitmatch-match', 'fitmatch-run'])('%s: resources fit --memory and --threads', (name) => {
    const c = container(cronJob(name));
    const { requests, limits } = c.resources!;
    const budget = parseBytes(envVar(c, 'FITMATCH_MEMORY').value!);
    expect(budget).toBe(2 * 2 ** 30);
    expect(quantity(limits!.memory!)).toBeGreaterThanOrEqual(budget * 1.2);
    expect(quantity(requests!.memory!)).toBe(quantity(limits!.memory!));
    expect(quantity(limits!.cpu!)).toBe(2);
    expect(Number(envVar(c, 'FITMATCH_THREADS').value)).toBeLessThanOrEqual(quantity(limits!.cpu!));
  });
});

describe('all manifests', () => {
  it('use one image, so that a single replace changes it everywhere', () => {
    const images = DOCS.flatMap((d) => {
      const pod =
        d.obj.kind === 'CronJob'
          ? (d.obj as ICronJob).spec!.jobTemplate.spec!.template.spec
          : d.obj.kind === 'Deployment'
            ? (d.obj as IDeployment).spec?.template.spec
            : d.obj.kind === 'Job'
              ? (d.obj as IJob).spec?.template.spec
              : undefined;
      return pod?.containers.map((c) => c.image) ?? [];
    });
    expect(images.length).toBe(7);
    expect(new Set(images)).toEqual(new Set([`registry.example.com/fitmatch:${VERSION}`]));
  });

  it('the Secret is only an example with a placeholder password', () => {
    const secret = byName('fitmatch-db') as ISecret;
    const url = new URL(secret.stringData!.DATABASE_URL);
    expect(url.protocol).toBe('mysql:');
    expect(url.password).toBe('REPLACE_ME');
    expect(secret.data).toBeUndefined();
  });
});

describe('chaining, retries and the other jobs', () => {
  const jobOf = (d: Doc) => (d.obj.kind === 'CronJob' ? (d.obj as ICronJob).spec!.jobTemplate.spec! : (d.obj as IJob).spec!);
  const noRetry = (d: Doc) => jobOf(d).podFailurePolicy?.rules.filter((r) => r.onExitCodes).flatMap((r) => r.onExitCodes!.values) ?? [];
  const jobs = () => DOCS.filter((d) => d.obj.kind === 'CronJob' || d.obj.kind === 'Job');

  it('the sharded match refuses vectors the 02:30 backfill did not refresh (exit 31), and does not retry that', () => {
    const args = container(cronJob('fitmatch-match')).args!;
    expect(args.slice(args.indexOf('--max-backfill-age'), args.indexOf('--max-backfill-age') + 2)).toEqual(['--max-backfill-age', '6h']);
    expect(noRetry(DOCS.find((d) => d.obj.metadata?.name === 'fitmatch-match')!)).toContain(ExitCode.STALE_VECTORS);
  });

  it.each(jobs().filter((d) => d.obj.metadata?.name !== 'fitmatch-status').map((d) => [d.obj.metadata?.name ?? d.obj.metadata?.generateName, d] as const))(
    '%s: exit codes a retry cannot fix are not retried (podFailurePolicy), and each is a real exit code',
    (_name, d) => {
      const codes = noRetry(d);
      expect(codes).toEqual(expect.arrayContaining([ExitCode.USAGE, ExitCode.DB_PRIVILEGE]));
      for (const c of codes) expect(Object.values(ExitCode)).toContain(c);
      expect(jobOf(d).template.spec!.restartPolicy).toBe('Never');
    },
  );

  it('the nightly jobs do not retry a refused shrink or a lock that stays taken', () => {
    for (const name of ['fitmatch-run', 'fitmatch-match', 'fitmatch-backfill']) {
      expect(noRetry(DOCS.find((d) => d.obj.metadata?.name === name)!), name).toEqual(expect.arrayContaining([ExitCode.LOCKED, ExitCode.REFUSED]));
    }
  });

  it('an incremental CronJob every 10 minutes that skips (exit 0) while the nightly run works', () => {
    const cj = cronJob('fitmatch-incremental');
    expect(cj.spec!.schedule).toBe('*/10 * * * *');
    expect(container(cj).args).toEqual(['run', '--incremental', '--skip-if-locked']);
  });

  it('a status CronJob whose failed Jobs are the alert, never retried', () => {
    const cj = cronJob('fitmatch-status');
    expect(container(cj).args).toEqual(['status', '--max-age', '36h', '--min-coverage', '95%']);
    expect(cj.spec!.jobTemplate.spec!.backoffLimit).toBe(0);
  });

  it('the migrate Job is the documented upgrade step', () => {
    const readme = readFileSync(DIR + 'README.md', 'utf8');
    expect(readme).toContain('kubectl -n fitmatch create -f deploy/kubernetes/migrate-job.yaml');
    expect(readme).toMatch(/## Upgrading/);
  });

  it('a broken podFailurePolicy is rejected', () => {
    const broken = clone(cronJob('fitmatch-match'));
    (broken.spec!.jobTemplate.spec!.podFailurePolicy!.rules[1] as unknown as Record<string, unknown>).action = 'FailIndexes';
    expect(() => validateStrict(broken)).toThrow(/action must be equal to one of the allowed values/);
  });
});

describe('the watch Deployment', () => {
  const d = byName('fitmatch-watch') as IDeployment;
  const pod = d.spec!.template.spec!;
  const c = pod.containers[0];

  it('is one replica of `fitmatch watch`, replaced by stopping the old pod first', () => {
    expect(pod.containers).toHaveLength(1);
    expect(d.spec!.replicas).toBe(1);
    expect(d.spec!.strategy?.type).toBe('Recreate');
    expect(c.args?.[0]).toBe('watch');
    expect(d.spec!.selector.matchLabels).toEqual(d.spec!.template.metadata!.labels);
  });

  it('reads the same secret, fits --memory and --threads, and gives SIGTERM time to end a pass', () => {
    expect(envVar(c, 'DATABASE_URL').valueFrom?.secretKeyRef).toEqual({ name: 'fitmatch-db', key: 'DATABASE_URL' });
    const budget = parseBytes(envVar(c, 'FITMATCH_MEMORY').value!);
    expect(quantity(c.resources!.limits!.memory!)).toBeGreaterThanOrEqual(budget * 1.2);
    expect(Number(envVar(c, 'FITMATCH_THREADS').value)).toBeLessThanOrEqual(quantity(c.resources!.limits!.cpu!));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
  });

  it('writes its metrics file and vector cache to mounted volumes (the root filesystem is read-only)', () => {
    expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
    const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath);
    const metrics = c.args![c.args!.indexOf('--metrics-file') + 1];
    expect(mounts.some((m) => metrics.startsWith(m + '/'))).toBe(true);
    expect(mounts).toContain(envVar(c, 'FITMATCH_VECTOR_CACHE').value);
  });
});
