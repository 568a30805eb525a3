/**
 * Builds a training corpus from folders: Python files only, skipping version control, dependencies, virtual
 * environments, caches, build outputs and user globs; binary, non-UTF-8 and oversized files are skipped and
 * counted by reason; the total is capped. Text is normalised to LF with trailing whitespace stripped, as
 * the seed's train.py did.
 */
import * as fs from 'fs';
import * as path from 'path';
import { normalizeText, UNKNOWN_INDEX, encode } from '../model/vocab';

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
}

export interface Corpus {
  files: CorpusFile[];
  report: CorpusReport;
}

export const SKIPPED_DIRS = [
  '.git', '.hg', '.svn', 'node_modules', 'venv', '.venv', 'env', '.env', 'site-packages', 'dist-packages',
  '__pycache__', '.mypy_cache', '.pytest_cache', '.tox', '.nox', 'build', 'dist', '.eggs', '.idea', '.vscode',
];

export class EmptyCorpusError extends Error {
  override name = 'EmptyCorpusError';
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Trailing whitespace stripped from every line, CRLF -> LF. */
export function cleanText(text: string): string {
  return normalizeText(text).replace(/[ \t]+$/gm, '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a file as source text, or says why it is not. */
export function readSourceFile(file: string, maxBytes: number): { text: string } | { skip: SkipReason } {
  let buf: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.size > maxBytes) return { skip: 'too-large' };
    buf = fs.readFileSync(file);
  } catch {
    return { skip: 'unreadable' };
  }
  if (buf.length === 0) return { skip: 'empty' };
  if (buf.subarray(0, 8192).includes(0)) return { skip: 'binary' };
  try {
    return { text: utf8.decode(buf).replace(/^\uFEFF/, '') };
  } catch {
    return { skip: 'not-utf8' };
  }
}

export function buildCorpus(roots: string[], opts: CorpusOptions = {}): Corpus {
  const maxFileBytes = opts.maxFileBytes ?? 1_000_000;
  const maxTotal = opts.maxTotalChars ?? Infinity;
  const skipDirs = new Set(opts.skipDirs ?? SKIPPED_DIRS);
  if (opts.includeTests === false) ['test', 'tests'].forEach((d) => skipDirs.add(d));
  const excludes = (opts.exclude ?? []).map(globToRegExp);
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
          else if (excludes.some((r) => r.test(rel) || r.test(rel + '/'))) skip('excluded');
          else walk(full_);
          continue;
        }
        if (!e.isFile() || !e.name.endsWith('.py')) continue;
        if (excludes.some((r) => r.test(rel))) {
          skip('excluded');
          continue;
        }
        if (full) {
          skip('total-cap');
          continue;
        }
        const r = readSourceFile(full_, maxFileBytes);
        if ('skip' in r) {
          skip(r.skip);
          continue;
        }
        let text = cleanText(r.text);
        if (!text.trim()) {
          skip('empty');
          continue;
        }
        if (!text.endsWith('\n')) text += '\n';
        if (chars + text.length > maxTotal) {
          full = true;
          skip('total-cap');
          continue;
        }
        const ids = encode(text);
        for (let i = 0; i < ids.length; i++) if (ids[i] === UNKNOWN_INDEX) unknownChars++;
        files.push({ path: full_, relative: rel, text });
        chars += text.length;
      }
    };
    walk(root);
  }
  const report: CorpusReport = {
    roots: roots.map((r) => path.resolve(r)),
    files: files.length,
    chars,
    unknownChars,
    unknownRate: chars ? unknownChars / chars : 0,
    skipped,
  };
  if (files.length === 0) {
    const why = Object.entries(skipped).map(([k, v]) => `${v} ${k}`).join(', ');
    throw new EmptyCorpusError(`no Python files to train on in ${report.roots.join(', ')}${why ? ` (skipped: ${why})` : ''}`);
  }
  return { files, report };
}
