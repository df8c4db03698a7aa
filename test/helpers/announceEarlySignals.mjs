// Preloaded (--import) into a spawned bin/fitmatch by spawnFitmatchWhileLoading():
// writes one line to fd 3 as soon as bin/fitmatch has installed its early signal
// recorder, i.e. while dist/cli.js and its dependencies are still loading.
import { writeSync } from 'node:fs';

const timer = setInterval(() => {
  if (!globalThis[Symbol.for('fitmatch.earlySignals')]) return;
  clearInterval(timer);
  writeSync(3, 'recorder installed\n');
}, 1);
timer.unref();
