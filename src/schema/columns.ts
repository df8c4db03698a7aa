import { customType, datetime, mysqlEnum, varchar } from 'drizzle-orm/mysql-core';
import { sql } from 'drizzle-orm';

/** drizzle's binary()/varbinary() decode bytes as UTF-8: these pass the driver's Buffer through untouched. */
const bytes = (type: 'mediumblob' | 'longblob') => customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => type });
export const mediumBlob = bytes('mediumblob');
export const longBlob = bytes('longblob');

export const embeddingSource = (name: string) => mysqlEnum(name, ['matching_vectors', 'text']);
export const contentHash = (name: string) => varchar(name, { length: 64 });
export const createdAt = () => datetime('created_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);
export const updatedAt = () => datetime('updated_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`);
