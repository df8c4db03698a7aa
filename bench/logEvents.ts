import type { Readable } from 'node:stream';

/**
 * Calls `onEvent` for each JSON log event a child writes to `stream`, and
 * `onOther` for any other line (a Node warning, a crash trace), shown as it is.
 */
export function onLogEvents(stream: Readable, onEvent: (ev: Record<string, unknown>) => void, onOther: (line: string) => void): void {
  let buf = '';
  stream.on('data', (d: Buffer | string) => {
    buf += String(d);
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let ev: Record<string, unknown>;
      try {
        ev = JSON.parse(line) as Record<string, unknown>;
      } catch {
        onOther(line);
        continue;
      }
      onEvent(ev);
    }
  });
}
