import type { PassOutcome, PassReport } from '../watch/passOutcome.js';
import { writeTextfile, type Gauge } from './textfile.js';

/** What `watch --metrics-file` keeps across passes: the last pass, the last publish and its lag, passes by outcome. */
export interface WatchTotals {
  startedAt: Date;
  lastPass: { at: Date; report: PassReport } | null;
  lastPublish: { at: Date; report: PassReport } | null;
  passes: Partial<Record<PassOutcome, number>>;
}

const seconds = (ms: number) => ms / 1000;

export function watchGauges(t: WatchTotals): Gauge[] {
  const last = t.lastPass;
  const pub = t.lastPublish;
  return [
    { name: 'fitmatch_watch_started_timestamp_seconds', help: 'When this fitmatch watch process started.', samples: [{ value: seconds(t.startedAt.getTime()) }] },
    { name: 'fitmatch_watch_last_pass_timestamp_seconds', help: 'When the last watch pass ended, whatever it found.', samples: last ? [{ value: seconds(last.at.getTime()) }] : [] },
    { name: 'fitmatch_watch_last_pass_duration_seconds', help: 'Duration of the last watch pass.', samples: last ? [{ value: seconds(last.report.passMs) }] : [] },
    { name: 'fitmatch_watch_last_publish_timestamp_seconds', help: 'When a watch pass last published (an increment or a full run).', samples: pub ? [{ value: seconds(pub.at.getTime()) }] : [] },
    {
      name: 'fitmatch_watch_lag_seconds',
      help: "Freshness of the last publish: from the oldest app write it carried (updated_at) to the published row.",
      samples: pub && pub.report.lagMs !== null ? [{ value: seconds(pub.report.lagMs) }] : [],
    },
    { name: 'fitmatch_watch_passes', help: 'Watch passes since the process started, by outcome.', samples: Object.entries(t.passes).map(([outcome, n]) => ({ labels: { outcome }, value: n ?? 0 })) },
  ];
}

export function writeWatchMetrics(path: string, t: WatchTotals): void {
  writeTextfile(path, watchGauges(t));
}
