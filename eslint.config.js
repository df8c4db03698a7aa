// Catch promises nobody awaits or handles (a floating promise in a batch job is a half-written
// run or an unhandled rejection at 3 a.m.), and keep the layers apart (docs/layout.md):
// the engine never reaches the database, no file mixes the database driver and the ONNX runtime,
// and no import cycle. Type-aware, so it runs tsc's program.
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/** A file that imports (statically, dynamically or type-only) both of these mixes two layers. */
const mixesDriverAndRuntime =
  'Program:has(:matches(ImportDeclaration, ImportExpression, ExportNamedDeclaration, ExportAllDeclaration)[source.value=/^mysql2($|\\x2F)/])' +
  ':has(:matches(ImportDeclaration, ImportExpression, ExportNamedDeclaration, ExportAllDeclaration)[source.value=/^onnxruntime-node($|\\x2F)/])';

/** A string that starts like a statement, or holds a FROM … WHERE clause (upper case, as the code base writes SQL). */
const SQL_TEXT = String.raw`/^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|RENAME|TRUNCATE|LOAD DATA|START TRANSACTION|SET (SESSION|TRANSACTION|GLOBAL))\b|\bFROM [a-z_]+( [a-z]+)? WHERE\b/`;

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'integrations/**', 'tmpexp/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Sources import './x.js' for './x.ts' (NodeNext).
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      // Type-only imports are erased by tsc and cannot change evaluation order: the rule skips them.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-syntax': ['error', { selector: mixesDriverAndRuntime, message: 'A file that imports mysql2 must not import onnxruntime-node: SQL lives in src/store, compute in src/engine (docs/layout.md).' }],
    },
  },
  {
    // All SQL lives behind typed functions in src/store (and the schema's, the seed's and the demo's own
    // statements in src/migrate, src/seed, src/demo; connections and locks in src/db): elsewhere neither the
    // driver nor a statement (docs/layout.md).
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/db/**', 'src/migrate/**', 'src/seed/**', 'src/demo/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^mysql2($|/)', message: 'Only src/store, src/db, src/migrate, src/seed and src/demo use the driver: call a typed function of src/store (docs/layout.md).' }] }],
      'no-restricted-syntax': [
        'error',
        { selector: mixesDriverAndRuntime, message: 'A file that imports mysql2 must not import onnxruntime-node: SQL lives in src/store, compute in src/engine (docs/layout.md).' },
        { selector: `Literal[value=${SQL_TEXT}]`, message: 'SQL text belongs in src/store, behind a typed function (docs/layout.md).' },
        { selector: `TemplateElement[value.raw=${SQL_TEXT}]`, message: 'SQL text belongs in src/store, behind a typed function (docs/layout.md).' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^mysql2($|/)', message: 'src/engine never touches the database (docs/layout.md).' },
            { regex: '(^|/)(store|db)/', message: 'src/engine imports nothing from src/store or src/db: the runs layer passes it data (docs/layout.md).' },
          ],
        },
      ],
    },
  },
);
