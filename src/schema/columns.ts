import { customType, datetime, mysqlEnum, varchar } from 'drizzle-orm/mysql-core';
import { sql } from 'drizzle-orm';

/**
 * A float32 little-endian vector in a MEDIUMBLOB. drizzle's binary()/varbinary()
 * decode bytes as UTF-8, so the driver's Buffer is passed through untouched;
 * decoding to Float32Array lives in src/vectors/float32.ts (Buffers from mysql2
 * are not 4-byte aligned and must be copied first).
 */
export const float32Blob = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'mediumblob',
});

export const embeddingSource = (name: string) => mysqlEnum(name, ['matching_vectors', 'text']);
export const contentHash = (name: string) => varchar(name, { length: 64 });
export const createdAt = () => datetime('created_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);
export const updatedAt = () => datetime('updated_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);
