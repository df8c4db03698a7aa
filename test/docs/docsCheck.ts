import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';

/**
 * Checks on the Markdown documentation (README.md, docs/*.md): relative links
 * resolve (file and #anchor, by GitHub's slug rules); every `fitmatch <command>`
 * and every flag used with it exists in the real --help output; every
 * environment variable of fitmatch's exists in the source. Pure functions over
 * text, so the test can also feed them broken documents.
 */

/** What `fitmatch … --help` says: a command's flags (true: takes a value) and its subcommands. */
export interface HelpTree {
  path: string;
  flags: Map<string, boolean>;
  /** null: a command whose arguments are not checked (commander's `help [command]`). */
  commands: Map<string, HelpTree | null>;
}

/** Parses the "Options:" and "Commands:" sections of each command's real help text. */
export function helpTree(cmd: Command, path = cmd.name()): HelpTree {
  const tree: HelpTree = { path, flags: new Map(), commands: new Map() };
  let section = '';
  for (const line of cmd.helpInformation().split('\n')) {
    const head = /^([A-Z][\w ]*):\s*$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    if (section === 'Options') {
      // "  -v, --verbose   text", "  --top-k <n>   text"; wrapped description lines are indented further.
      const m = /^ {2}(-\S.*?)(?: {2,}|$)/.exec(line);
      if (!m) continue;
      for (const spec of m[1].split(/,\s*/)) {
        const [name, arg] = spec.split(' ');
        tree.flags.set(name, arg !== undefined);
      }
    } else if (section === 'Commands') {
      const m = /^ {2}([a-z][\w-]*)/.exec(line);
      if (!m) continue;
      const sub = cmd.commands.find((c) => c.name() === m[1]);
      tree.commands.set(m[1], sub ? helpTree(sub, `${path} ${m[1]}`) : null);
    }
  }
  return tree;
}

/** Every flag of every command. */
export function allFlags(tree: HelpTree, into = new Set<string>()): Set<string> {
  for (const f of tree.flags.keys()) into.add(f);
  for (const sub of tree.commands.values()) if (sub) allFlags(sub, into);
  return into;
}

/** A Markdown file split into prose (code removed), code spans, code-block lines and headings. */
export interface MarkdownParts {
  /** Prose lines with inline code blanked out (for links), with their line numbers. */
  prose: { line: number; text: string }[];
  /** Inline code spans. */
  spans: { line: number; text: string }[];
  /** Lines of fenced code blocks, backslash continuations joined, with the block's info string ("sh", "console", ""). */
  codeLines: { line: number; text: string; lang: string }[];
  headings: string[];
  /** Explicit anchors: <a id="…"> / <a name="…">. */
  htmlAnchors: string[];
}

export function parseMarkdown(md: string): MarkdownParts {
  const out: MarkdownParts = { prose: [], spans: [], codeLines: [], headings: [], htmlAnchors: [] };
  const lines = md.split(/\r?\n/);
  let fence: string | null = null;
  let lang = '';
  let pending: { line: number; text: string; lang: string } | null = null;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const fenceMark = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (fence !== null) {
      if (fenceMark && fenceMark[1][0] === fence[0] && fenceMark[1].length >= fence.length && raw.trim() === fenceMark[1]) {
        if (pending) out.codeLines.push(pending);
        pending = null;
        fence = null;
        return;
      }
      const joined = pending ? { line: pending.line, text: `${pending.text} ${raw.trim()}`, lang } : { line: n, text: raw, lang };
      if (/\\\s*$/.test(joined.text)) pending = { ...joined, text: joined.text.replace(/\\\s*$/, '') };
      else {
        out.codeLines.push(joined);
        pending = null;
      }
      return;
    }
    if (fenceMark) {
      fence = fenceMark[1];
      lang = raw.trim().slice(fence.length).trim().split(/\s+/)[0].toLowerCase();
      return;
    }
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) out.headings.push(heading[1]);
    for (const a of raw.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.htmlAnchors.push(a[1]);
    let prose = '';
    let last = 0;
    for (const m of raw.matchAll(/(`+)(.+?)\1(?!`)/g)) {
      out.spans.push({ line: n, text: m[2].trim() });
      prose += raw.slice(last, m.index) + ' '.repeat(m[0].length);
      last = m.index! + m[0].length;
    }
    out.prose.push({ line: n, text: prose + raw.slice(last) });
  });
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped (letters, digits, "_" and "-" stay), spaces to "-". */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/\*\*?|~~/g, '');
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors a file's headings get, numbered like GitHub when they repeat. */
export function anchorsOf(parts: MarkdownParts): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set(parts.htmlAnchors);
  for (const h of parts.headings) {
    const base = githubSlug(h);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface DocFile {
  /** Path relative to the repository root, e.g. docs/match.md. */
  path: string;
  text: string;
}

/** Broken relative links: a missing file or directory, or an anchor no heading of the target has. */
export function linkProblems(file: DocFile, root: string, read: (abs: string) => string | null): string[] {
  const problems: string[] = [];
  const parts = parseMarkdown(file.text);
  for (const { line, text } of parts.prose) {
    for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [pathPart, anchor] = target.split('#', 2);
      const where = `${file.path}:${line}: link ${target}`;
      if (!pathPart) {
        // An anchor in this very file.
        if (!anchorsOf(parts).has(decodeURIComponent(anchor ?? ''))) problems.push(`${where}: no heading of ${file.path} has the anchor #${anchor}`);
        continue;
      }
      const abs = resolve(root, dirname(file.path), decodeURIComponent(pathPart));
      if (relative(root, abs).startsWith('..')) {
        problems.push(`${where} leaves the repository`);
        continue;
      }
      if (!existsSync(abs)) {
        problems.push(`${where}: ${relative(root, abs)} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (!abs.endsWith('.md') || statSync(abs).isDirectory()) {
        problems.push(`${where}: anchors are only checked in Markdown files`);
        continue;
      }
      const targetText = read(abs);
      if (targetText === null || !anchorsOf(parseMarkdown(targetText)).has(decodeURIComponent(anchor))) {
        problems.push(`${where}: no heading of ${relative(root, abs)} has the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

/** Tokens before the command that are not the command: a prompt, env assignments, a cron schedule, wrappers. */
const WRAPPERS = new Set(['$', 'npx', 'sudo', 'env', 'time', 'exec', 'nohup', 'node']);
const isEnvAssignment = (t: string) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(t);
const isCronField = (t: string) => /^[\d*][\d*/,-]*$/.test(t);
const isFitmatch = (t: string) => t === 'fitmatch' || /(^|\/)bin\/fitmatch$/.test(t);
/** A placeholder where a command would be: <cmd>, …, ... */
const isPlaceholder = (t: string) => /^(<.*>|…|\.\.\.)$/.test(t);

/**
 * The fitmatch invocations in one line of code: each shell segment (split at
 * && || ; | { } ( ) and ended by a redirection or a comment) that starts with
 * fitmatch, after a prompt, environment assignments, a cron schedule or npx.
 */
export function invocations(code: string): string[][] {
  const out: string[][] = [];
  const text = code.replace(/\\\|/g, '|');
  for (const segment of text.split(/&&|\|\||[;|{}()]/)) {
    const tokens = segment.trim().split(/\s+/).filter(Boolean);
    let i = 0;
    while (i < tokens.length && (WRAPPERS.has(tokens[i]) || isEnvAssignment(tokens[i]))) i++;
    // A cron schedule is five fields; only then may the command follow digits and stars.
    if (tokens.length - i > 5 && tokens.slice(i, i + 5).every(isCronField)) i += 5;
    while (i < tokens.length && (WRAPPERS.has(tokens[i]) || isEnvAssignment(tokens[i]))) i++;
    if (i >= tokens.length || !isFitmatch(tokens[i])) continue;
    const args: string[] = [];
    for (const t of tokens.slice(i + 1)) {
      if (/^\d*>/.test(t) || t.startsWith('#')) break; // redirection, comment
      args.push(t);
    }
    out.push(args);
  }
  return out;
}

/** Problems with one invocation's command path and flags, judged by the help tree. */
export function invocationProblems(args: string[], program: HelpTree): string[] {
  const problems: string[] = [];
  const chain: HelpTree[] = [program];
  let unchecked = false;
  for (let k = 0; k < args.length; k++) {
    const t = args[k].replace(/[[\]]/g, '').replace(/[.,:]+$/, '');
    if (!t || t === '--' || t === '|') continue;
    const cmd = chain[chain.length - 1];
    if (/^--?[A-Za-z]/.test(t)) {
      const name = t.split('=')[0];
      const owner = [...chain].reverse().find((c) => c.flags.has(name));
      if (!owner) problems.push(`${cmd.path}: unknown flag ${name}`);
      else if (owner.flags.get(name) && !t.includes('=')) k++; // its value
      continue;
    }
    if (unchecked || cmd.commands.size === 0) continue; // an argument or a flag's value
    if (isPlaceholder(t)) {
      unchecked = true;
      continue;
    }
    if (!cmd.commands.has(t)) {
      problems.push(`${cmd.path}: unknown command "${t}"`);
      return problems;
    }
    const sub = cmd.commands.get(t);
    if (sub === null) return problems; // `fitmatch help …`
    chain.push(sub!);
  }
  return problems;
}

/** Flags written alone in a code span (`--top-k <n>`, `-v, --verbose`): they must belong to some fitmatch command. */
export function standaloneFlags(span: string): string[] {
  if (!/^--?[A-Za-z]/.test(span)) return [];
  return [...span.matchAll(/(?:^|[\s,/(])(--?[A-Za-z][\w-]*)/g)].map((m) => m[1]);
}

/** Names of environment variables that must exist in the source. */
export const ENV_VAR = /\b(?:FITMATCH_[A-Z0-9_]*[A-Z0-9]|[A-Z_]*DATABASE_URL|OPENAI_[A-Z_]*[A-Z])\b/g;

/** Code blocks whose lines are commands (and their output). Diagrams, trees and other languages are marked ```text, ```python, … */
export const SHELL_BLOCKS = new Set(['', 'sh', 'bash', 'shell', 'zsh', 'console', 'cron', 'crontab']);

export function commandProblems(file: DocFile, program: HelpTree): string[] {
  const parts = parseMarkdown(file.text);
  const known = allFlags(program);
  const problems: string[] = [];
  for (const { line, text } of [...parts.spans, ...parts.codeLines.filter((c) => SHELL_BLOCKS.has(c.lang))]) {
    for (const args of invocations(text)) for (const p of invocationProblems(args, program)) problems.push(`${file.path}:${line}: ${p}`);
  }
  for (const { line, text } of parts.spans) {
    for (const flag of standaloneFlags(text)) if (!known.has(flag)) problems.push(`${file.path}:${line}: ${flag} is not a flag of any fitmatch command`);
  }
  return problems;
}

export function envProblems(file: DocFile, source: string): string[] {
  const problems: string[] = [];
  file.text.split(/\r?\n/).forEach((text, i) => {
    for (const m of text.matchAll(ENV_VAR)) {
      if (!source.includes(m[0])) problems.push(`${file.path}:${i + 1}: ${m[0]} does not appear in the source or in --help`);
    }
  });
  return problems;
}

/** README.md and every docs/**.md, relative to root. */
export function docFiles(root: string): DocFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
  return ['README.md', ...walk('docs').sort()].map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/** The text of every source file under the given directories (to look environment variables up in). */
export function sourceText(root: string, dirs: string[]): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs|cjs)$/.test(e.name) || !e.name.includes('.')) out.push(readFileSync(p, 'utf8'));
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.join('\n');
}
