import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../db/connect.js';
import type { InfoSchemaRows } from './actualSchema.js';

/**
 * Reads what the check needs from information_schema for the given tables of the
 * current database. Columns are aliased to lower case: MySQL 8 returns
 * information_schema column names upper-case whatever the query says.
 */
export async function readInfoSchema(db: Db, tableNames: readonly string[]): Promise<InfoSchemaRows> {
  const q = async <T>(sql: string, params: unknown[] = []) => (await db.pool.query<RowDataPacket[]>(sql, params))[0] as T[];
  const [{ version }] = await q<{ version: string }>('SELECT VERSION() AS version');
  const flavor = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  const names = tableNames.length ? [...tableNames] : [''];
  const tables = await q<InfoSchemaRows['tables'][number]>(
    `SELECT TABLE_NAME AS table_name, TABLE_COLLATION AS table_collation FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?) ORDER BY TABLE_NAME`,
    [names],
  );
  const columns = await q<InfoSchemaRows['columns'][number]>(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
            COLUMN_DEFAULT AS column_default, IS_NULLABLE AS is_nullable, DATA_TYPE AS data_type,
            COLUMN_TYPE AS column_type, EXTRA AS extra, COLLATION_NAME AS collation_name
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`,
    [names],
  );
  const statistics = await q<InfoSchemaRows['statistics'][number]>(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique, SEQ_IN_INDEX AS seq_in_index,
            COLUMN_NAME AS column_name, COLLATION AS collation, SUB_PART AS sub_part
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`,
    [names],
  );
  const foreignKeys = await q<InfoSchemaRows['foreignKeys'][number]>(
    `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
            k.ORDINAL_POSITION AS ordinal_position, k.REFERENCED_TABLE_NAME AS referenced_table_name,
            k.REFERENCED_COLUMN_NAME AS referenced_column_name, r.DELETE_RULE AS delete_rule
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL`,
    [names],
  );
  // MySQL 8's CHECK_CONSTRAINTS has no TABLE_NAME and its JSON is native: only MariaDB needs this.
  const jsonChecks =
    flavor === 'mariadb'
      ? await q<InfoSchemaRows['jsonChecks'][number]>(
          `SELECT TABLE_NAME AS table_name, CHECK_CLAUSE AS check_clause FROM information_schema.CHECK_CONSTRAINTS
           WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME IN (?) AND CHECK_CLAUSE LIKE 'json_valid(%'`,
          [names],
        )
      : [];
  return { flavor, tables, columns, statistics, foreignKeys, jsonChecks };
}
