import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** One Prometheus gauge with its samples. */
export interface Gauge {
  name: string;
  help: string;
  samples: { labels?: Record<string, string>; value: number }[];
}

const labelText = (l?: Record<string, string>) =>
  l && Object.keys(l).length ? `{${Object.entries(l).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`).join(',')}}` : '';

/** The Prometheus text exposition format (what node_exporter's textfile collector reads). */
export function formatGauges(gauges: Gauge[]): string {
  return gauges
    .filter((g) => g.samples.length)
    .map((g) => [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, ...g.samples.map((s) => `${g.name}${labelText(s.labels)} ${Number.isFinite(s.value) ? s.value : 'NaN'}`)].join('\n'))
    .join('\n') + '\n';
}

/**
 * Writes the file atomically: a temporary file in the same directory, then a
 * rename, so the collector never reads half a file.
 */
export function writeTextfile(path: string, gauges: Gauge[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, formatGauges(gauges));
  renameSync(tmp, path);
}

/** The value of an unlabelled sample in an existing textfile (to carry "last success" over a failed run), or null. */
export function previousValue(path: string, name: string): number | null {
  if (!existsSync(path)) return null;
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(readFileSync(path, 'utf8'));
  return m ? Number(m[1]) : null;
}
