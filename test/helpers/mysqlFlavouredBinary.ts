import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeServerBinary, findMariadbInstallDb, findServerBinary } from '../../src/db/serverBinary.js';

/**
 * A server binary that takes localServer's MySQL path: the installed mysqld if it is
 * MySQL, else mariadbd behind a wrapper that speaks MySQL 8's command line
 * (--version says MySQL, --initialize-insecure leaves only root@localhost, --mysqlx is
 * accepted), so that path is exercised on machines that only have MariaDB.
 */
export function mysqlFlavouredBinary(): { path: string; wrapped: boolean; dispose(): void } {
  const real = findServerBinary();
  if (!real) throw new Error('no mariadbd/mysqld installed');
  if (describeServerBinary(real).flavour === 'mysql') return { path: real, wrapped: false, dispose: () => {} };
  const installer = findMariadbInstallDb(real);
  if (!installer) throw new Error(`no mariadb-install-db next to ${real}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fitmatch-fake-mysqld-'));
  const onlyLocalhost = path.join(dir, 'only-localhost.sql');
  writeFileSync(onlyLocalhost, "DELETE FROM mysql.global_priv WHERE NOT (user IN ('root', 'mariadb.sys') AND host = 'localhost');\n");
  const file = path.join(dir, 'mysqld');
  writeFileSync(
    file,
    `#!/bin/bash
case " $* " in
  *" --version "*) echo "mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"; exit 0;;
  *" --initialize-insecure "*)
    user=(); for a; do case $a in --datadir=*) datadir=\${a#--datadir=};; --user=*) user=("$a");; esac; done
    exec '${installer.script}' --no-defaults --basedir='${installer.basedir}' --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db "\${user[@]}" --extra-file='${onlyLocalhost}';;
esac
args=(); for a; do [ "$a" = --mysqlx=OFF ] || args+=("$a"); done
exec '${real}' "\${args[@]}"
`,
  );
  chmodSync(file, 0o755);
  return { path: file, wrapped: true, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
