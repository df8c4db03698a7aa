/** A shared run with no live shard and no progress for this long is abandoned by later runs. */
export const STALE_SHARED_RUN_MS = 48 * 3_600_000;
