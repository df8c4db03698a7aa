import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import type { Logger } from './log.js';

/** What every command function receives besides its own options. Tests build one directly. */
export interface CommandContext {
  db: Db;
  clock: Clock;
  log: Logger;
  config: Config;
  /** Aborted on the first SIGINT/SIGTERM: stop at the next batch boundary. */
  signal: AbortSignal;
}
