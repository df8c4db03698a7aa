/**
 * Secrets (DB password, API keys) are registered once when config is loaded;
 * every line the logger prints and every error message passes through redact().
 * Driver errors can echo connection strings, so scrubbing at the edge is the
 * only reliable guarantee.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 1) {
    secrets.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) secrets.add(encoded);
  }
}

export function redact(text: string): string {
  let out = text;
  // Longest first so a secret containing another is fully replaced.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/** mysql://user:pass@host/db -> mysql://user:***@host/db */
export function redactUrl(url: string): string {
  return redact(url.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1***@'));
}
