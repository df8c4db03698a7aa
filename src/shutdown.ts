import type { Logger } from './log.js';

/**
 * The first SIGINT/SIGTERM aborts the returned signal: long-running commands
 * check it at batch boundaries and stop cleanly (nothing half-published).
 * A second signal exits at once.
 */
export function installShutdown(log: Logger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.error(`second ${sig}: exiting now`);
      process.exit(130);
    }
    log.warn(`${sig} received: stopping at the next batch boundary (send again to exit at once)`);
    controller.abort(new Error(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
