import type { Db } from '../db/connect.js';
import type { Logger } from '../log.js';
import { VectorCache } from './VectorCache.js';

export type VectorCaches = { talent: VectorCache; job: VectorCache };

/** The local vector caches of both sides; a cold one says why, since that run reads every vector from the database. */
export async function openVectorCaches(db: Db, dir: string, log: Logger): Promise<VectorCaches | undefined> {
  const open = async (side: 'talent' | 'job') => {
    const cache = await VectorCache.open(VectorCache.fileFor(dir, db.settings, side), dir);
    if (cache.coldReason) log.warn(`vector cache is empty: ${cache.coldReason}; this run reads every ${side} vector it needs from the database and keeps it there`);
    return cache;
  };
  try {
    return { talent: await open('talent'), job: await open('job') };
  } catch (e) {
    // Only a speed-up: without it every vector comes from the database, as without --vector-cache.
    log.warn(`vector cache in ${dir} not usable (${(e as Error).message}); reading every vector from the database`);
    return undefined;
  }
}

/** Says what each cache served and closes it; a failure to close is a warning (the cache is only a speed-up). */
export async function closeVectorCaches(caches: { talent: VectorCache | null; job: VectorCache | null } | undefined, log: Logger): Promise<void> {
  for (const cache of [caches?.talent, caches?.job]) {
    if (!cache) continue;
    const st = cache.stats;
    log.info(`vector cache ${cache.path}: ${st.hits} used, ${st.misses} not there or changed, ${st.rejected} rejected (bytes did not match vectors_hash), ${st.stored} stored`);
    await cache.close().catch((e: Error) => log.warn(`vector cache ${cache.path}: ${e.message}`));
  }
}
