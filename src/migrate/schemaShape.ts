/**
 * One comparable description of a table, built from the drizzle schema
 * (expectedSchema.ts) or from information_schema (actualSchema.ts). Every value
 * is already normalised (normalize.ts), so diffSchema.ts compares plain strings.
 */
export interface ColumnShape {
  name: string;
  /** e.g. bigint, int, varchar(64), decimal(5,2), enum('a','b'), json, datetime(3). */
  type: string;
  nullable: boolean;
  /** Canonical default: null (none), 'literal' quoted, or an expression such as CURRENT_TIMESTAMP(3). */
  default: string | null;
  autoIncrement: boolean;
  /** For character columns (not json): the collation they must have. */
  collation: string | null;
}

export interface IndexShape {
  name: string;
  /** Column names; a descending part is "col DESC", a prefix "col(10)". */
  columns: string[];
  unique: boolean;
}

export interface ForeignKeyShape {
  /** Informational only: FKs are compared by signature, never by name (the publisher renames tables). */
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  /** cascade | set null | restrict ("no action" is the same in InnoDB and normalised to restrict). */
  onDelete: string;
}

export interface TableShape {
  name: string;
  collation: string | null;
  columns: ColumnShape[];
  primaryKey: string[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

/** The collation the app uses; MySQL 8's default (utf8mb4_0900_ai_ci) would break joins and ordering. */
export const REQUIRED_COLLATION = 'utf8mb4_unicode_ci';

export const fkSignature = (fk: ForeignKeyShape): string =>
  `(${fk.columns.join(',')}) -> ${fk.refTable}(${fk.refColumns.join(',')}) ON DELETE ${fk.onDelete.toUpperCase()}`;
