// The container image, without a container runtime: the Dockerfile, the manifests
// and package.json agree, and the package installed the way the Dockerfile's
// runtime stage installs it (npm pack, then deploy/docker/install-package.sh:
// production dependencies only, into an empty folder) runs migrate, run and status
// against a real database.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ICronJob, IJob } from 'kubernetes-models/batch/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IPodSpec } from 'kubernetes-models/v1';
import { createTestDatabase, type TestDatabase } from '../helpers/testDb.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; files: string[]; engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const run = promisify(execFile);

/** Dockerfile instructions (continuation lines joined), per stage. */
function stages(): { from: string; instructions: [string, string][] }[] {
  const out: { from: string; instructions: [string, string][] }[] = [];
  const lines = DOCKERFILE.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  for (const line of lines) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line.trim())!;
    if (op === 'FROM') out.push({ from: rest, instructions: [] });
    else out.at(-1)!.instructions.push([op, rest]);
  }
  return out;
}
const runtime = () => stages().at(-1)!;
const instr = (op: string) => runtime().instructions.filter(([o]) => o === op).map(([, v]) => v);

/** Every pod spec of deploy/kubernetes. */
function podSpecs(): { file: string; spec: IPodSpec; image: string }[] {
  const dir = join(ROOT, 'deploy/kubernetes');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { version: '1.1' }).flatMap((d) => {
        const o = d.toJS() as { kind: string } & (ICronJob | IJob | IDeployment);
        const spec =
          o.kind === 'CronJob'
            ? (o as ICronJob).spec!.jobTemplate.spec!.template.spec
            : o.kind === 'Job' || o.kind === 'Deployment'
              ? (o as IJob | IDeployment).spec!.template.spec
              : undefined;
        return spec ? spec.containers.map((c) => ({ file, spec, image: c.image! })) : [];
      }),
    );
}

describe('Dockerfile, manifests and package.json agree', () => {
  it('multi-stage on a glibc Node 20 base; production dependencies only; uid 1000; /app; the manifests\' entrypoint', () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const s of all) expect(s.from).toMatch(/^node:20-bookworm-slim( AS \w+)?$/);
    expect(PKG.engines.node).toMatch(/^>=20\./);
    expect(instr('USER')).toEqual(['1000:1000']);
    expect(instr('WORKDIR')).toEqual(['/app']);
    expect(JSON.parse(instr('ENTRYPOINT')[0])).toEqual(['node', `/app/${PKG.bin.fitmatch}`]);
    expect(instr('RUN').join('\n')).toContain('sh /tmp/image/install-package.sh /tmp/image/fitmatch.tgz /tmp/image/package-lock.json /app');
    expect(stages()[0].instructions.map(([, v]) => v).join('\n')).toContain('npm pack --ignore-scripts --pack-destination /pkg');
    expect(readFileSync(join(ROOT, 'deploy/docker/install-package.sh'), 'utf8')).toContain('npm ci --omit=dev --ignore-scripts');
  });

  it('every manifest runs that entrypoint as that user, from the image tagged with package.json\'s version', () => {
    const pods = podSpecs();
    expect(pods.length).toBeGreaterThanOrEqual(4);
    const entrypoint = JSON.parse(instr('ENTRYPOINT')[0]);
    for (const { file, spec, image } of pods) {
      expect(image, file).toBe(`registry.example.com/fitmatch:${PKG.version}`);
      expect(spec.securityContext?.runAsUser, file).toBe(Number(instr('USER')[0].split(':')[0]));
      for (const c of spec.containers) expect(c.command, file).toEqual(entrypoint);
    }
    expect(DOCKERFILE).toContain(`docker build -t registry.example.com/fitmatch:${PKG.version} .`);
  });
});

describe('the packed package, installed as in the image, against a real database', () => {
  let t: TestDatabase;
  let work: string;
  let app: string;
  const fitmatch = async (args: string[]) => {
    try {
      const r = await run(process.execPath, [join(app, PKG.bin.fitmatch), ...args], { cwd: work, env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.url, FITMATCH_LOG_FORMAT: 'json' } });
      return { code: 0, ...r };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'fitmatch-image-'));
    // dist/ is built by the test run's global setup, as `npm run build` in the build stage.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    app = join(work, 'app');
    await run('sh', [join(ROOT, 'deploy/docker/install-package.sh'), join(work, tgz), join(ROOT, 'package-lock.json'), app], { cwd: work });
    t = await createTestDatabase('image', { migrate: false });
  }, 300_000);
  afterAll(async () => {
    await t?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds production dependencies only and what the package.json `files` ship', () => {
    for (const dep of Object.keys(PKG.dependencies)) expect(existsSync(join(app, 'node_modules', dep)), dep).toBe(true);
    // @types/node comes with a production dependency (mysql2's typings); the tools must not.
    for (const dev of Object.keys(PKG.devDependencies).filter((d) => !d.startsWith('@types/'))) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(readdirSync(app).sort()).toEqual([...PKG.files.map((f) => f.replace(/\/$/, '')), 'README.md', 'node_modules', 'package-lock.json', 'package.json'].sort());
  });

  it("keeps only this platform's onnxruntime-node binaries (no darwin, no win32)", () => {
    const ort = join(app, 'node_modules/onnxruntime-node/bin/napi-v6');
    expect(readdirSync(ort)).toEqual([process.platform]);
    expect(readdirSync(join(ort, process.platform))).toEqual([process.arch]);
  });

  it('--version, migrate, seed, run and status work from there', async () => {
    expect((await fitmatch(['--version'])).stdout.trim()).toBe(PKG.version);
    const migrate = await fitmatch(['migrate', '--json']);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(JSON.parse(migrate.stdout).applied.length).toBeGreaterThan(0);
    const seed = await fitmatch(['seed', '--talents', '60', '--jobs', '12', '--dim', '8']);
    expect(seed.code, seed.stderr).toBe(0);
    const r = await fitmatch(['run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { phases: { match: { published: boolean; rowsTalentToJob: number } } };
    expect(summary.phases.match).toMatchObject({ published: true, rowsTalentToJob: expect.any(Number) });
    expect(summary.phases.match.rowsTalentToJob).toBeGreaterThan(0);
    const s = await fitmatch(['status']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain('health        ok');
  });
});

describe('the packed package, installed with the documented command alone', () => {
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'fitmatch-tgz-'));
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('docs/operations.md\'s `npm install … .tgz` installs it (no ONNXRUNTIME_NODE_INSTALL, nothing fetched from outside the registry) and it runs', async () => {
    const ops = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const command = /^npm install .*\.\/fitmatch-[\d.]+\.tgz$/m.exec(ops)![0];
    expect(command).toContain(`./fitmatch-${PKG.version}.tgz`);
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    // Only what a shell on a fresh host has: the variables that would skip onnxruntime-node's download are not set.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, npm_config_prefer_offline: 'true' };
    await run('sh', ['-c', command.replace('./', '../')], { cwd: consumer, env });
    const version = await run(process.execPath, [join(consumer, 'node_modules/.bin/fitmatch'), '--version'], { cwd: consumer, env });
    expect(version.stdout.trim()).toBe(PKG.version);
    // The native binding loads from the package's own binaries.
    const ort = await run(process.execPath, ['-e', "require('onnxruntime-node'); console.log('ok')"], { cwd: consumer, env });
    expect(ort.stdout.trim()).toBe('ok');
  }, 300_000);
});
