/** A block as progress sees it. */
export interface BlockFact {
  shard: number;
  state: 'pending' | 'done';
  finishedAt: Date | null;
}

export interface ShardProgress {
  shard: number;
  done: number;
  total: number;
  /** A process holds the shard's lock. */
  alive: boolean;
}

export interface RunProgress {
  done: number;
  total: number;
  shards: ShardProgress[];
  /** Shards with pending blocks and no live process: the run cannot finish until they are run again. */
  missingShards: number[];
  /** Milliseconds one block takes at the recent pace of the whole run (all shards together), or null before any block is done. */
  msPerBlock: number | null;
  /** Remaining blocks at that pace; null when unknown, or when no shard with pending blocks is alive. */
  etaMs: number | null;
}

/** Blocks whose finishing times set the pace: recent enough to ignore a stop and resume long ago. */
const PACE_WINDOW = 20;

/**
 * Progress of a run's blocks, per shard, and its ETA. The pace is measured
 * between the finishing times of the last PACE_WINDOW done blocks (over all
 * shards, so parallel shards count as the speed-up they are); with one done
 * block, from the run's start. Merge and publish after the last block are not
 * in the ETA.
 */
export function runProgress(blocks: readonly BlockFact[], aliveShards: ReadonlySet<number>, startedAt: Date): RunProgress {
  const byShard = new Map<number, ShardProgress>();
  for (const b of blocks) {
    const s = byShard.get(b.shard) ?? { shard: b.shard, done: 0, total: 0, alive: aliveShards.has(b.shard) };
    s.total++;
    if (b.state === 'done') s.done++;
    byShard.set(b.shard, s);
  }
  const shards = [...byShard.values()].sort((a, b) => a.shard - b.shard);
  const done = shards.reduce((n, s) => n + s.done, 0);
  const total = shards.reduce((n, s) => n + s.total, 0);
  const missingShards = shards.filter((s) => s.done < s.total && !s.alive).map((s) => s.shard);
  const times = blocks
    .filter((b) => b.state === 'done' && b.finishedAt)
    .map((b) => b.finishedAt!.getTime())
    .sort((a, b) => a - b)
    .slice(-PACE_WINDOW);
  let msPerBlock: number | null = null;
  if (times.length >= 2 && times[times.length - 1] > times[0]) msPerBlock = (times[times.length - 1] - times[0]) / (times.length - 1);
  else if (times.length >= 1) msPerBlock = Math.max(0, times[times.length - 1] - startedAt.getTime()) / times.length;
  const working = shards.some((s) => s.done < s.total && s.alive);
  const etaMs = done === total ? 0 : msPerBlock === null || !working ? null : Math.round((total - done) * msPerBlock);
  return { done, total, shards, missingShards, msPerBlock: msPerBlock === null ? null : Math.round(msPerBlock), etaMs };
}
