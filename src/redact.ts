/**
 * Secrets (DB password, API keys) are registered when config is loaded, before
 * anything can fail; every line the logger prints, every error message and every
 * text fitmatch stores (match_runs.error, reports) passes through redact().
 * Driver errors can echo connection strings, so scrubbing at the edge is the only
 * reliable guarantee.
 */
const secrets = new Set<string>();

/** Registers a secret in every form it can take in output: as is, URL-encoded, JSON-escaped. */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) secrets.add(form);
}

export function redact(text: string): string {
  let out = text;
  // Longest first so a secret containing another is fully replaced.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
}
