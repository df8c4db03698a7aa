import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Throwaway servers and their directories must not outlive the process that
 * started them. A normal exit (even one that skipped remove()) is handled by a
 * process 'exit' hook; a SIGTERM without handlers or a SIGKILL runs no hook at
 * all, so a tiny watchdog process holds a pipe to us and cleans up when it closes.
 */

interface Entry {
  pid: number | null;
  dir: string;
}

const entries = new Map<string, Entry>();
let watchdog: ChildProcess | null = null;
let hooked = false;

// Plain JS for `node -e`: lines of JSON on stdin; EOF means our parent is gone.
const WATCHDOG = `
const fs = require('node:fs');
const live = new Map();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const m = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    if (m.forget) live.delete(m.dir); else live.set(m.dir, m.pid);
  }
});
process.stdin.on('close', async () => {
  // A zombie (killed, not yet reaped by its new parent) counts as gone.
  const alive = (pid) => {
    try { process.kill(pid, 0); } catch { return false; }
    try { return !/^\\d+ \\(.*\\) Z/s.test(fs.readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return true; }
  };
  for (const pid of live.values()) if (pid) try { process.kill(pid, 'SIGKILL'); } catch {}
  for (let t = 0; t < 50 && [...live.values()].some((p) => p && alive(p)); t++) await new Promise((r) => setTimeout(r, 100));
  for (const dir of live.keys()) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  process.exit(0);
});
`;

function tell(message: Record<string, unknown>): void {
  if (!watchdog) {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    watchdog = spawn(process.execPath, ['-e', WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'], env });
    watchdog.on('error', () => {});
    watchdog.stdin!.on('error', () => {});
    // Neither the watchdog nor its pipe may keep this process alive.
    watchdog.unref();
    (watchdog.stdin as unknown as { unref(): void }).unref();
  }
  watchdog.stdin!.write(JSON.stringify(message) + '\n');
}

function reapNow(): void {
  for (const e of entries.values()) {
    if (e.pid) {
      try {
        process.kill(e.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(e.dir, { recursive: true, force: true, maxRetries: 3 });
  }
  entries.clear();
}

/** Kills `pid` (if any) and deletes `dir` if this process ends before forgetDir(dir). */
export function reapOnExit(dir: string, pid: number | null): void {
  if (!hooked) {
    process.on('exit', reapNow);
    hooked = true;
  }
  entries.set(dir, { pid, dir });
  tell({ dir, pid });
}

export function forgetDir(dir: string): void {
  entries.delete(dir);
  tell({ dir, forget: true });
}
