/**
 * A strict .env reader. Node's util.parseEnv lets a line without "=" swallow the
 * next one (so an `export FOO` line silently loses the DATABASE_URL under it);
 * here every line is KEY=value, `export KEY=value`, a comment or blank, and
 * anything else is a problem reported with its line number (never its text,
 * which may hold a secret).
 *
 * Values: unquoted (trimmed, a " #" starts a comment), 'single-quoted' (literal),
 * or "double-quoted" (\n, \t, \", \\ escapes). Quoted values may span lines.
 */
export function parseDotenv(text: string): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(#.*)?$/.test(line)) continue;
    // s: a value may hold any character (a stray \r, U+2028), not only what "." matches by default.
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(line);
    if (!m) {
      problems.push(`.env line ${i + 1}: expected KEY=value (a line without "=", or a key with characters other than letters, digits and _)`);
      continue;
    }
    const [, key, rest] = m;
    const value = rest.trimStart();
    const quote = value[0];
    if (quote !== '"' && quote !== "'") {
      values[key] = value.replace(/\s+#.*$/, '').trim();
      continue;
    }
    // A quoted value ends at its closing quote, possibly lines later.
    let body = value.slice(1);
    const start = i;
    let close = findClose(body, quote);
    while (close < 0 && i + 1 < lines.length) {
      body += '\n' + lines[++i];
      close = findClose(body, quote);
    }
    if (close < 0) {
      problems.push(`.env line ${start + 1}: the ${quote === '"' ? 'double' : 'single'} quote of ${key} is never closed`);
      continue;
    }
    if (!/^\s*(#.*)?$/.test(body.slice(close + 1))) {
      problems.push(`.env line ${i + 1}: text after the closing quote of ${key}`);
      continue;
    }
    const inner = body.slice(0, close);
    values[key] = quote === "'" ? inner : inner.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[c]!);
  }
  return { values, problems };
}

function findClose(s: string, quote: string): number {
  for (let i = 0; i < s.length; i++) {
    if (quote === '"' && s[i] === '\\') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}
