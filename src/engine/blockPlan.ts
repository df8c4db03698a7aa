/** One block of a run: positions [firstPos, endPos) of its sorted talent snapshot, owned by one shard. */
export interface BlockSpec {
  blockNo: number;
  shard: number;
  firstPos: number;
  endPos: number;
}

/**
 * Cuts a run's talents into blocks of at most blockRows and deals them to shards
 * as contiguous ranges. It depends only on the snapshot's size and the run's
 * settings, never on which process asks, so every shard computes the same cut.
 */
export function planRunBlocks(talents: number, blockRows: number, shards: number): BlockSpec[] {
  if (!(blockRows >= 1) || !(shards >= 1)) throw new Error('blockRows and shards must be >= 1');
  // Every shard gets work when there is enough of it.
  const rows = Math.max(1, Math.min(blockRows, Math.ceil(talents / shards)));
  const count = Math.ceil(talents / rows);
  const blocks: BlockSpec[] = [];
  for (let b = 0; b < count; b++) {
    blocks.push({ blockNo: b, shard: Math.floor((b * shards) / count), firstPos: b * rows, endPos: Math.min(talents, (b + 1) * rows) });
  }
  return blocks;
}
