import chalk from 'chalk';
import { redact } from './redact.js';
import { stderrLine } from './statusLine.js';

export type LogFormat = 'human' | 'json';
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  readonly format: LogFormat;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A structured event (progress, summary). Human format prints msg; json prints the fields. */
  event(name: string, fields: Record<string, unknown>, msg?: string): void;
}

const colour: Record<Level, (s: string) => string> = {
  debug: chalk.gray,
  info: (s) => s,
  warn: chalk.yellow,
  error: chalk.red,
};

/**
 * Logs go to stderr so that stdout carries only command output (--json reports,
 * query results). In json format every line is one JSON object, for cron log shippers.
 */
export function createLogger(opts: { format: LogFormat; verbose?: boolean; write?: (line: string) => void }): Logger {
  // Above a progress bar, if one is drawn: never glued onto it.
  const write = opts.write ?? ((line: string) => stderrLine.above(line));
  const emit = (level: Level, msg: string, fields?: Record<string, unknown>, event?: string) => {
    if (level === 'debug' && !opts.verbose) return;
    if (opts.format === 'json') {
      write(redact(JSON.stringify({ ts: new Date().toISOString(), level, ...(event ? { event } : {}), msg, ...fields })));
    } else {
      const prefix = level === 'warn' ? 'warning: ' : level === 'error' ? 'error: ' : '';
      write(redact(colour[level](prefix + msg)));
    }
  };
  return {
    format: opts.format,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    event: (name, fields, msg) => {
      if (opts.format === 'json') emit('info', msg ?? name, fields, name);
      else if (msg) emit('info', msg);
    },
  };
}

/** For tests: collects lines instead of printing. */
export function memoryLogger(format: LogFormat = 'human'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ format, verbose: true, write: (l) => lines.push(l) }), { lines });
}
