import { describe, expect, it } from 'vitest';
import { normalizeDbDefault, normalizeExpression, normalizeFkRule, normalizeType } from '../../src/migrate/normalize.js';

describe('normalizeType', () => {
  it('drops integer display widths (MariaDB bigint(20) = MySQL 8 bigint) but keeps tinyint(1)', () => {
    expect(normalizeType('bigint(20)')).toBe('bigint');
    expect(normalizeType('int(11)')).toBe('int');
    expect(normalizeType('bigint(20) unsigned')).toBe('bigint unsigned');
    expect(normalizeType('tinyint(1)')).toBe('tinyint(1)');
    expect(normalizeType('boolean')).toBe('tinyint(1)');
    expect(normalizeType('INTEGER')).toBe('int');
  });
  it('keeps lengths, precision and enum labels (case and spacing inside quotes)', () => {
    expect(normalizeType('varchar(64)')).toBe('varchar(64)');
    expect(normalizeType('DECIMAL(5, 2)')).toBe('decimal(5,2)');
    expect(normalizeType("enum('talent_to_job','Job To Talent')")).toBe("enum('talent_to_job','Job To Talent')");
    expect(normalizeType('datetime(3)')).toBe('datetime(3)');
    expect(normalizeType('text')).toBe('text');
  });
});

describe('defaults', () => {
  it('spells CURRENT_TIMESTAMP one way across drizzle, MariaDB and MySQL 8', () => {
    expect(normalizeExpression('(CURRENT_TIMESTAMP(3))')).toBe('CURRENT_TIMESTAMP(3)');
    expect(normalizeDbDefault('current_timestamp(3)', 'mariadb', '')).toBe('CURRENT_TIMESTAMP(3)');
    expect(normalizeDbDefault('current_timestamp()', 'mariadb', '')).toBe('CURRENT_TIMESTAMP');
    expect(normalizeDbDefault('CURRENT_TIMESTAMP', 'mysql', 'DEFAULT_GENERATED')).toBe('CURRENT_TIMESTAMP');
    expect(normalizeDbDefault('CURRENT_TIMESTAMP(3)', 'mysql', 'DEFAULT_GENERATED')).toBe('CURRENT_TIMESTAMP(3)');
    expect(normalizeExpression('now()')).toBe('CURRENT_TIMESTAMP');
  });
  it("treats MariaDB's 'NULL' string and MySQL's SQL NULL as no default", () => {
    expect(normalizeDbDefault('NULL', 'mariadb', '')).toBeNull();
    expect(normalizeDbDefault(null, 'mysql', '')).toBeNull();
    expect(normalizeDbDefault("'NULL'", 'mariadb', '')).toBe("'NULL'");
  });
  it('reads quoted MariaDB literals and unquoted MySQL literals the same; numbers by value', () => {
    expect(normalizeDbDefault("'it''s'", 'mariadb', '')).toBe("'it''s'");
    expect(normalizeDbDefault("it's", 'mysql', '')).toBe("'it''s'");
    expect(normalizeDbDefault('0.00', 'mariadb', '')).toBe('0');
    expect(normalizeDbDefault('0', 'mysql', '')).toBe('0');
  });
});

describe('normalizeFkRule', () => {
  it('maps NO ACTION and RESTRICT together (identical in InnoDB) and keeps the others', () => {
    expect(normalizeFkRule('NO ACTION')).toBe('restrict');
    expect(normalizeFkRule('RESTRICT')).toBe('restrict');
    expect(normalizeFkRule(undefined)).toBe('restrict');
    expect(normalizeFkRule('CASCADE')).toBe('cascade');
    expect(normalizeFkRule('SET NULL')).toBe('set null');
  });
});
