import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { forgetDir, reapOnExit } from './serverReaper.js';
import { findMariadbInstallDb, type ServerBinary } from './serverBinary.js';

const run = promisify(execFile);

/**
 * A server deletes every #sql* file in its tmpdir when it starts: sharing /tmp, it would
 * delete the temporary tables of any other server using /tmp (a bootstrap next door, the
 * machine's own server). Each server and bootstrap gets a tmpdir of its own.
 */
export const tmpdirArg = (dir: string) => `--tmpdir=${path.join(dir, 'tmp')}`;

/** Server options that must be the same when the datadir is created and every time it is started. */
export function datadirShapeArgs(bin: ServerBinary): string[] {
  // MariaDB's default 96 MB redo log would be copied for every server; 32 MB still holds the demo's bulk loads.
  return bin.flavour === 'mariadb' ? ['--innodb-log-file-size=32M'] : [];
}

export const runAsRootArgs = (): string[] => (process.getuid?.() === 0 ? ['--user=root'] : []);

const templates = new Map<string, Promise<string>>();

/**
 * A freshly initialised datadir, made once per process and binary: initialising
 * costs a bootstrap run (MySQL's takes seconds), copying it a fraction of that.
 */
export function templateDatadir(bin: ServerBinary, log: (line: string) => void): Promise<string> {
  let t = templates.get(bin.path);
  if (!t) {
    t = initialise(bin, log);
    templates.set(bin.path, t);
    // A failed attempt must not be cached: the next server tries again.
    t.catch(() => templates.delete(bin.path));
  }
  return t;
}

async function initialise(bin: ServerBinary, log: (line: string) => void): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'fitmatch-mysqld-template-'));
  reapOnExit(root, null);
  const datadir = path.join(root, 'data');
  await mkdir(path.join(root, 'tmp'));
  const started = Date.now();
  try {
    if (bin.flavour === 'mariadb') {
      const installer = findMariadbInstallDb(bin.path);
      if (!installer) throw new Error(`found ${bin.path} but no mariadb-install-db (or mysql_install_db) to initialise a datadir with`);
      log(`initialising a ${bin.label} datadir with ${installer.script}`);
      await run(
        installer.script,
        [
          '--no-defaults',
          `--basedir=${installer.basedir}`,
          `--datadir=${datadir}`,
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          '--skip-name-resolve',
          tmpdirArg(root),
          ...runAsRootArgs(),
          ...datadirShapeArgs(bin),
        ],
        { timeout: 120_000, maxBuffer: 4 << 20 },
      );
    } else {
      log(`initialising a ${bin.label} datadir with ${bin.path} --initialize-insecure`);
      // MySQL refuses to start (even to initialise) when its compiled-in secure_file_priv directory is missing.
      const files = path.join(root, 'files');
      await mkdir(files);
      await run(
        bin.path,
        // No --log-error: its messages then come back on stderr, into the error below.
        ['--no-defaults', '--initialize-insecure', `--datadir=${datadir}`, tmpdirArg(root), `--secure-file-priv=${files}`, ...runAsRootArgs(), ...datadirShapeArgs(bin)],
        { timeout: 300_000, maxBuffer: 4 << 20 },
      );
    }
  } catch (e) {
    const err = e as { message: string; stdout?: string; stderr?: string };
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    await rm(root, { recursive: true, force: true });
    forgetDir(root);
    throw new Error(`cannot initialise a ${bin.label} datadir in ${datadir}: ${err.message}${output ? `\n${output}` : ''}`, { cause: e });
  }
  if (!existsSync(path.join(datadir, 'mysql'))) throw new Error(`initialising a ${bin.label} datadir in ${datadir} reported success but created no system tables`);
  log(`initialised the datadir template in ${Date.now() - started} ms`);
  return datadir;
}

/** Copies the template to `dest` (which must not exist). */
export async function copyDatadir(template: string, dest: string, bin: ServerBinary): Promise<void> {
  await cp(template, dest, { recursive: true });
  // MySQL keeps its server_uuid in auto.cnf; each copy should get its own.
  if (bin.flavour === 'mysql') await rm(path.join(dest, 'auto.cnf'), { force: true });
}
