import type { Db } from '../db/connect.js';
import { APP_TABLE_NAMES, checkAppSchema } from './appSchema.js';
import type { Finding } from './findings.js';
import { readInfoSchema } from './readInfoSchema.js';

/** The app-schema findings of `migrate --check`, read on their own: what `migrate` checks before any DDL. */
export async function appSchemaFindings(db: Db): Promise<Finding[]> {
  const rows = await readInfoSchema(db, APP_TABLE_NAMES);
  return checkAppSchema(rows);
}
