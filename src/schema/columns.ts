import { customType, datetime, mysqlEnum, varchar } from 'drizzle-orm/mysql-core';
import { sql } from 'drizzle-orm';

/**
 * Float32 little-endian vectors in a MEDIUMBLOB (layout: src/vectors/packedVectors.ts).
 * drizzle's binary()/varbinary() decode bytes as UTF-8, so the driver's Buffer is
 * passed through untouched.
 */
export const float32Blob = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'mediumblob',
});

export const embeddingSource = (name: string) => mysqlEnum(name, ['matching_vectors', 'text']);
export const contentHash = (name: string) => varchar(name, { length: 64 });
export const createdAt = () => datetime('created_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);
export const updatedAt = () => datetime('updated_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);
