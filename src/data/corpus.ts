/**
 * Builds a training corpus from folders: Python files only, skipping version control, dependencies, virtual
 * environments, caches, build outputs and user globs; binary, non-UTF-8 and oversized files are skipped and
 * counted by reason; the total is capped. Text is normalised to LF with trailing whitespace stripped, as
 * the seed's train.py did.
 */
import * as fs from 'fs';
import * as path from 'path';
import { normalizeText, UNKNOWN_INDEX, encode } from '../model/vocab';
import { BoundedReadError, readBounded } from '../util/bounded-read';

export interface CorpusOptions {
  /** Files larger than this are skipped (bytes). */
  maxFileBytes?: number;
  /** Reading stops once this many characters are collected. */
  maxTotalChars?: number;
  /** Extra exclusions: globs matched against the path relative to its root (`**`, `*`, `?`). */
  exclude?: string[];
  /** Folder names skipped anywhere (default: SKIPPED_DIRS). */
  skipDirs?: string[];
  /** Include `test`/`tests` folders (default true). */
  includeTests?: boolean;
}

export interface CorpusFile {
  path: string;
  /** Path relative to its root, with forward slashes. */
  relative: string;
  text: string;
}

export type SkipReason = 'binary' | 'not-utf8' | 'too-large' | 'excluded' | 'virtualenv' | 'skipped-dir' | 'unreadable' | 'empty' | 'total-cap';

export interface CorpusReport {
  roots: string[];
  files: number;
  chars: number;
  unknownChars: number;
  unknownRate: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** The per-file size cap that applied (bytes). */
  maxFileBytes?: number;
}

/** The skip counts in words, naming the size cap and how to raise it when files were over it. */
export function describeSkips(report: Pick<CorpusReport, 'skipped' | 'maxFileBytes'>): string {
  return Object.entries(report.skipped)
    .map(([k, v]) =>
      k === 'too-large' && report.maxFileBytes
        ? `${v} too-large (over ${report.maxFileBytes >= 1e5 ? `${(report.maxFileBytes / 1e6).toFixed(1)} MB` : `${Math.round(report.maxFileBytes / 1e3)} KB`}; raise the cap with --max-file-mb or lstmComplete.training.maxFileMB)`
        : k === 'not-utf8'
          ? `${v} not-utf8 (neither UTF-8 nor a declared PEP 263 encoding)`
          : `${v} ${k}`,
    )
    .join(', ');
}

export interface Corpus {
  files: CorpusFile[];
  report: CorpusReport;
}

export const SKIPPED_DIRS = [
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'venv',
  '.venv',
  'env',
  '.env',
  'site-packages',
  'dist-packages',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  '.nox',
  'build',
  'dist',
  '.eggs',
  '.idea',
  '.vscode',
];

export class EmptyCorpusError extends Error {
  override name = 'EmptyCorpusError';
}

type GlobToken = { kind: 'char'; c: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'globstar' } | { kind: 'globstar-slash' };

/**
 * A glob as a matcher in linear time. `*` is any run of characters but `/`, `?` one such character, `**` any run
 * at all, and `**` + `/` any number of whole folders (none included). The glob is run as a set of positions in
 * it, advanced one character of the path at a time: O(path × glob) however the stars are placed. (A regular
 * expression of `*a*a*a…b` or `**` + `/` repeated backtracked for minutes, and an untrusted workspace's
 * `training.exclude` reaches the indexer.)
 */
export function globMatcher(glob: string): (path: string) => boolean {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        tokens.push({ kind: 'globstar-slash' }, { kind: 'char', c: '/' });
        i += 2;
      } else {
        tokens.push({ kind: 'globstar' });
        i += 1;
      }
      while (glob[i + 1] === '*') i++; // `***` is `**`
    } else if (c === '*') {
      // Consecutive stars are one: keeps the position set small.
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', c });
  }
  const n = tokens.length;
  // Positions reachable without consuming a character: past a star (empty run), past `**/` (no folder).
  const close = (set: Uint8Array): Uint8Array => {
    for (let p = 0; p < n; p++) {
      if (!set[p]) continue;
      const k = tokens[p].kind;
      if (k === 'star' || k === 'globstar') set[p + 1] = 1;
      else if (k === 'globstar-slash') {
        set[p + 1] = 1;
        set[p + 2] = 1;
      }
    }
    return set;
  };
  const start = close(Object.assign(new Uint8Array(n + 1), { 0: 1 }));
  return (text: string): boolean => {
    let cur: Uint8Array = start.slice();
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      const next = new Uint8Array(n + 1);
      let any = false;
      for (let p = 0; p < n; p++) {
        if (!cur[p]) continue;
        const t = tokens[p];
        let to = -1;
        if (t.kind === 'char') to = t.c === ch ? p + 1 : -1;
        else if (t.kind === 'one') to = ch !== '/' ? p + 1 : -1;
        else if (t.kind === 'star') to = ch !== '/' ? p : -1;
        else to = p; // globstar and globstar-slash take any character
        if (to >= 0) {
          next[to] = 1;
          any = true;
        }
      }
      if (!any) return false;
      cur = close(next);
    }
    return cur[n] === 1;
  };
}

/** Trailing whitespace stripped from every line, CRLF -> LF. */
export function cleanText(text: string): string {
  return normalizeText(text).replace(/[ \t]+$/gm, '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Python's names for encodings that the decoders here know by another label. */
const ENCODING_ALIASES: Record<string, string> = {
  'latin-1': 'latin1',
  'iso-latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  l1: 'latin1',
  'utf-8-sig': 'utf-8',
  utf8: 'utf-8',
  cp65001: 'utf-8',
  'windows-1252': 'cp1252',
};

/** Windows-1252's characters for bytes 0x80-0x9F (undefined bytes stay as the C1 control of that code). */
const CP1252_HIGH =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** Decoders for the single-byte encodings Python code most often declares (Node's own treat both as one). */
const SINGLE_BYTE: Record<string, (buf: Buffer) => string> = {
  latin1: (buf) => buf.toString('latin1'),
  cp1252: (buf) => buf.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]),
};

/**
 * The encoding a PEP 263 declaration names (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252`)
 * in the first two lines, or undefined.
 */
export function declaredEncoding(buf: Buffer): string | undefined {
  const head = buf.subarray(0, 400).toString('latin1').split('\n').slice(0, 2);
  for (const line of head) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(line);
    if (m) return m[1].toLowerCase().replace(/_/g, '-');
  }
  return undefined;
}

/** Decodes source bytes as Python does: UTF-8 unless a PEP 263 line declares another encoding. */
export function decodeSource(buf: Buffer): string | undefined {
  const declared = declaredEncoding(buf);
  const label = declared ? (ENCODING_ALIASES[declared] ?? declared) : 'utf-8';
  if (SINGLE_BYTE[label]) return SINGLE_BYTE[label](buf);
  let decoder: TextDecoder;
  try {
    decoder = label === 'utf-8' ? utf8 : new TextDecoder(label, { fatal: true });
  } catch {
    return undefined; // an encoding this runtime does not know
  }
  try {
    return decoder.decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** Reads a file as source text, or says why it is not. */
export function readSourceFile(file: string, maxBytes: number): { text: string } | { skip: SkipReason } {
  let buf: Buffer;
  try {
    // A regular file only, its size bounded on the open descriptor: a link to /dev/zero stats as 0 bytes and
    // then reads forever, and a FIFO blocks (bounded-read.ts).
    buf = readBounded(file, maxBytes);
  } catch (e) {
    return { skip: e instanceof BoundedReadError && /more than the/.test(e.reason) ? 'too-large' : 'unreadable' };
  }
  if (buf.length === 0) return { skip: 'empty' };
  if (buf.subarray(0, 8192).includes(0)) return { skip: 'binary' };
  const text = decodeSource(buf);
  return text === undefined ? { skip: 'not-utf8' } : { text };
}

/** A Python file as training text: decoded, cleaned, ending in a newline; or why it is skipped. */
function readTrainingText(file: string, maxFileBytes: number): { text: string } | { skip: SkipReason } {
  const r = readSourceFile(file, maxFileBytes);
  if ('skip' in r) return r;
  const text = cleanText(r.text);
  if (!text.trim()) return { skip: 'empty' };
  return { text: text.endsWith('\n') ? text : text + '\n' };
}

/** Characters outside the model's vocabulary (they become its unknown symbol). */
function unknownCount(text: string): number {
  const ids = encode(text);
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === UNKNOWN_INDEX) n++;
  return n;
}

/**
 * Which folders and files a corpus walk enters, from the options: skipped folder names, `exclude` globs (matched
 * against the path relative to the root). Shared with corpus-size.ts, so a size estimate counts what training reads.
 */
export function corpusFilter(opts: Pick<CorpusOptions, 'skipDirs' | 'includeTests' | 'exclude'>): {
  skipDirs: Set<string>;
  excluded: (rel: string, isDir: boolean) => boolean;
} {
  const skipDirs = new Set(opts.skipDirs ?? SKIPPED_DIRS);
  if (opts.includeTests === false) ['test', 'tests'].forEach((d) => skipDirs.add(d));
  const excludes = (opts.exclude ?? []).map(globMatcher);
  return { skipDirs, excluded: (rel, isDir) => excludes.some((m) => m(rel) || (isDir && m(rel + '/'))) };
}

export function buildCorpus(roots: string[], opts: CorpusOptions = {}): Corpus {
  const maxFileBytes = opts.maxFileBytes ?? 1_000_000;
  const maxTotal = opts.maxTotalChars ?? Infinity;
  const { skipDirs, excluded } = corpusFilter(opts);
  const skipped: Partial<Record<SkipReason, number>> = {};
  const skip = (r: SkipReason) => (skipped[r] = (skipped[r] ?? 0) + 1);
  const files: CorpusFile[] = [];
  let chars = 0;
  let unknownChars = 0;
  let full = false;

  for (const rootArg of roots) {
    const root = path.resolve(rootArg);
    if (!fs.existsSync(root)) throw new EmptyCorpusError(`data folder ${root} does not exist`);
    const walk = (dir: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
      } catch {
        skip('unreadable');
        return;
      }
      if (dir !== root && entries.some((e) => e.name === 'pyvenv.cfg')) {
        skip('virtualenv');
        return;
      }
      for (const e of entries) {
        const full_ = path.join(dir, e.name);
        const rel = path.relative(root, full_).split(path.sep).join('/');
        if (e.isDirectory()) {
          if (skipDirs.has(e.name)) skip(e.name === 'venv' || e.name === '.venv' ? 'virtualenv' : 'skipped-dir');
          else if (excluded(rel, true)) skip('excluded');
          else walk(full_);
          continue;
        }
        if (!e.isFile() || !e.name.endsWith('.py')) continue;
        if (excluded(rel, false)) {
          skip('excluded');
          continue;
        }
        if (full) {
          skip('total-cap');
          continue;
        }
        const r = readTrainingText(full_, maxFileBytes);
        if ('skip' in r) {
          skip(r.skip);
          continue;
        }
        const text = r.text;
        if (chars + text.length > maxTotal) {
          full = true;
          skip('total-cap');
          continue;
        }
        unknownChars += unknownCount(text);
        files.push({ path: full_, relative: rel, text });
        chars += text.length;
      }
    };
    walk(root);
  }
  const report: CorpusReport = {
    roots: roots.map((r) => path.resolve(r)),
    maxFileBytes,
    files: files.length,
    chars,
    unknownChars,
    unknownRate: chars ? unknownChars / chars : 0,
    skipped,
  };
  if (files.length === 0) {
    const why = describeSkips({ skipped, maxFileBytes });
    throw new EmptyCorpusError(`no Python files in ${report.roots.join(', ')}${why ? ` (skipped: ${why})` : ''}`);
  }
  return { files, report };
}
