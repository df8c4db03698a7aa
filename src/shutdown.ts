import { constants } from 'node:os';
import { InterruptedError } from './errors.js';
import type { Logger } from './log.js';

/** What bin/fitmatch records while the modules load (see there). */
interface EarlySignals {
  signals: NodeJS.Signals[];
  handler: (sig: NodeJS.Signals) => void;
}
const EARLY = Symbol.for('fitmatch.earlySignals');

/** Takes over from bin/fitmatch's recorder: its recorded signals, and its handlers removed. */
function takeEarlySignals(): NodeJS.Signals[] {
  const early = (globalThis as Record<symbol, EarlySignals | undefined>)[EARLY];
  if (!early) return [];
  process.off('SIGINT', early.handler);
  process.off('SIGTERM', early.handler);
  (globalThis as Record<symbol, unknown>)[EARLY] = undefined;
  return early.signals;
}

/**
 * The first SIGINT/SIGTERM aborts the returned signal with an InterruptedError:
 * commands check it at batch boundaries and at every wait, and stop cleanly
 * (exit 5, nothing half-published). A second signal exits at once with the
 * shell's code for it (130 for SIGINT, 143 for SIGTERM), after one log line.
 */
export function installShutdown(log: Logger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      const code = 128 + constants.signals[sig];
      log.error(`second ${sig}: exiting now with ${code}; staged work stays unpublished and is cleaned up or resumed by the next run`, { exitCode: code });
      process.exit(code);
    }
    log.warn(`${sig} received: stopping at the next batch boundary (send it again to exit at once)`);
    controller.abort(new InterruptedError(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const sig of takeEarlySignals()) onSignal(sig);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Sleeps ms, or less when `signal` aborts (then throws its InterruptedError): every wait must honour a stop. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
