export interface ShardSpec {
  /** 0-based. */
  index: number;
  count: number;
}

/**
 * --shard I/N (0 <= I < N), or "auto": I from JOB_COMPLETION_INDEX and N from
 * FITMATCH_SHARDS, as a Kubernetes Indexed Job provides them. Throws a message
 * for the usage error.
 */
export function parseShard(raw: string, env: Record<string, string | undefined>): ShardSpec {
  if (raw === 'auto') {
    const i = env.JOB_COMPLETION_INDEX;
    const n = env.FITMATCH_SHARDS;
    if (i === undefined || n === undefined) throw new Error('--shard auto needs JOB_COMPLETION_INDEX and FITMATCH_SHARDS in the environment (a Kubernetes Indexed Job sets the first)');
    return check(i, n, 'JOB_COMPLETION_INDEX/FITMATCH_SHARDS');
  }
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m) throw new Error(`--shard must be I/N with 0 <= I < N (e.g. 0/3), or auto; got "${raw}"`);
  return check(m[1], m[2], '--shard');
}

function check(i: string, n: string, what: string): ShardSpec {
  const index = /^\d+$/.test(i) ? Number(i) : NaN;
  const count = /^\d+$/.test(n) ? Number(n) : NaN;
  if (!(count >= 1 && count <= 10_000) || !(index >= 0 && index < count)) throw new Error(`${what}: need 0 <= I < N <= 10000, got ${i}/${n}`);
  return { index, count };
}
