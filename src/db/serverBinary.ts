import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import path from 'node:path';

export type ServerFlavour = 'mariadb' | 'mysql';

export interface ServerBinary {
  path: string;
  flavour: ServerFlavour;
  /** e.g. "10.11.19" */
  version: string;
  /** e.g. "MariaDB 10.11" or "MySQL 8.0", for messages */
  label: string;
}

const NAMES = ['mariadbd', 'mysqld'];
// Debian/Ubuntu, RHEL (libexec), tarballs, Homebrew on both architectures.
const DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/usr/local/mysql/bin', '/usr/local/mariadb/bin', '/opt/homebrew/bin', '/usr/local/bin', '/opt/homebrew/opt/mysql/bin', '/usr/local/opt/mysql/bin'];

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The MariaDB or MySQL server binary to run throwaway servers with: FITMATCH_SERVER_BINARY
 * if set (null when it is not executable), else mariadbd or mysqld on PATH or in the usual
 * install directories.
 */
export function findServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const forced = env.FITMATCH_SERVER_BINARY;
  if (forced) return executable(forced) ? forced : null;
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dirs of [pathDirs, DIRS]) {
    for (const name of NAMES) {
      for (const dir of dirs) {
        const file = path.join(dir, name);
        if (executable(file)) return file;
      }
    }
  }
  return null;
}

/** Asks the binary what it is: Debian's /usr/sbin/mysqld is MariaDB, for one. */
export function describeServerBinary(file: string): ServerBinary {
  const out = execFileSync(file, ['--no-defaults', '--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = /Ver\s+(\d+\.\d+\.\d+)/.exec(out)?.[1];
  if (!version) throw new Error(`cannot tell the version of ${file} from: ${out.trim()}`);
  const flavour: ServerFlavour = /mariadb/i.test(out) ? 'mariadb' : 'mysql';
  const label = `${flavour === 'mariadb' ? 'MariaDB' : 'MySQL'} ${version.split('.').slice(0, 2).join('.')}`;
  return { path: file, flavour, version, label };
}

/**
 * MariaDB's datadir initialiser, looked for next to the server first so a tarball
 * install does not pick up the system's. Returns it with the basedir it needs.
 */
export function findMariadbInstallDb(server: string): { script: string; basedir: string } | null {
  const real = realpathSync(server);
  const basedir = path.dirname(path.dirname(real));
  const names = ['mariadb-install-db', 'mysql_install_db'];
  const dirs = [path.dirname(real), path.join(basedir, 'bin'), path.join(basedir, 'scripts'), ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (executable(file)) return { script: file, basedir };
    }
  }
  return null;
}
