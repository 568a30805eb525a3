/**
 * What the simulated user types in a replay. A task is a document with a gap: the text before the cursor,
 * the text the user types into the gap, and the text after it.
 * - Typing: each file (or a window of lines of it, with the text above already written) is typed top to
 *   bottom at the end of the document (nothing after the cursor).
 * - Editing: a few tokens of an existing line are removed at random sites and typed again, with the rest
 *   of the line and the lines after the cursor present.
 * Indentation at the start of a line is the editor's job (Enter and auto-indent), so it is neither typed
 * nor counted: the cursor lands after it.
 */
import { mulberry32 } from '../util/rng';
import { normalizeText } from '../model/vocab';

export interface ReplayFile {
  relative: string;
  text: string;
  /** Text above `text` in the same file, already written (a file's held-out tail: its head), never typed. */
  before?: string;
}

export interface ReplayTask {
  file: string;
  before: string;
  intended: string;
  after: string;
}

/** Offset in `intended` after the indentation of a line that starts at `at` (else `at`). */
export function skipIndentation(task: ReplayTask, at: number): number {
  const atLineStart = at === 0 ? task.before === '' || task.before.endsWith('\n') : task.intended[at - 1] === '\n';
  if (!atLineStart) return at;
  let i = at;
  while (i < task.intended.length && (task.intended[i] === ' ' || task.intended[i] === '\t')) i++;
  return i;
}

/** Characters the user would type without help: the intended text less the indentation the editor adds. */
export function typedChars(task: ReplayTask): number {
  return typedCharsByLine(task).reduce((a, b) => a + b, 0);
}

/** Characters the user would type on each line of `task.intended` (typedChars, line by line). */
export function typedCharsByLine(task: ReplayTask): number[] {
  const counts = [0];
  let line = 0;
  let scanned = 0;
  for (let i = skipIndentation(task, 0); i < task.intended.length;) {
    for (; scanned < i; scanned++) if (task.intended[scanned] === '\n') counts[++line] = 0;
    counts[line]++;
    i = skipIndentation(task, i + 1);
  }
  for (; scanned < task.intended.length; scanned++) if (task.intended[scanned] === '\n') counts[++line] = 0;
  return counts;
}

/** `text` cut at the last line end that keeps at most `budget` typed characters (whole lines stay natural). */
function cutToBudget(task: ReplayTask, budget: number): ReplayTask {
  let n = typedChars(task);
  let text = task.intended;
  while (n > budget && text.length > 0) {
    text = text.slice(0, Math.floor((text.length * budget) / n));
    const nl = text.lastIndexOf('\n');
    text = nl > 0 ? text.slice(0, nl + 1) : '';
    n = typedChars({ ...task, intended: text });
  }
  return { ...task, intended: text };
}

export interface TypingOptions {
  /** Typed characters in all (default: every file whole). */
  maxChars?: number;
  /**
   * Typed characters per file (default: no limit). With a limit, each file is typed from a line chosen by
   * the seed, with the text above it already in the document, so a budget samples many files and places.
   */
  fileChars?: number;
  seed?: number;
}

/** Files typed top to bottom at the end of the document, until `maxChars` characters are in the tasks. */
export function typingTasks(files: ReplayFile[], opts: TypingOptions = {}): ReplayTask[] {
  const rng = mulberry32(opts.seed ?? 1);
  const tasks: ReplayTask[] = [];
  let budget = opts.maxChars ?? Infinity;
  const perFile = opts.fileChars ?? Infinity;
  for (const f of files) {
    if (budget <= 0) break;
    const text = normalizeText(f.text);
    let start = 0;
    if (Number.isFinite(perFile)) {
      // A line start early enough that the window can hold its share (files shorter than that start at 0).
      const whole = typedChars({ file: f.relative, before: '', intended: text, after: '' });
      if (whole > perFile) {
        const at = Math.floor(rng() * text.length * (1 - perFile / whole));
        start = text.lastIndexOf('\n', at) + 1;
      }
    }
    const head = f.before ? normalizeText(f.before) : '';
    const task = cutToBudget({ file: f.relative, before: head + text.slice(0, start), intended: text.slice(start), after: '' }, Math.min(budget, perFile));
    const n = typedChars(task);
    if (n === 0) continue;
    tasks.push(task);
    budget -= n;
  }
  return tasks;
}

const SEGMENT = /[ \t]*(?:[A-Za-z0-9_]+|[^A-Za-z0-9_ \t])/g;

/**
 * `count` editing sites over the files (more in larger files), from a seed: a line with some code, a start
 * at one of its tokens, and 1-4 tokens (or, one time in four, the rest of the line) to type again. Tasks
 * come in file and position order, so a session primes each file once.
 */
export function editingTasks(files: ReplayFile[], count: number, seed = 1): ReplayTask[] {
  const rng = mulberry32(seed);
  const texts = files.map((f) => normalizeText(f.text));
  const total = texts.reduce((s, t) => s + t.length, 0);
  if (!total || count <= 0) return [];
  const sites: { file: number; start: number; end: number }[] = [];
  for (let tries = 0; sites.length < count && tries < count * 50; tries++) {
    let r = rng() * total;
    let fi = 0;
    while (r >= texts[fi].length) r -= texts[fi++].length;
    const text = texts[fi];
    const lineStart = text.lastIndexOf('\n', Math.floor(r) - 1) + 1;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const indent = /^[ \t]*/.exec(line)![0].length;
    if (line.trim().length < 8) continue;
    const segs: { start: number; end: number }[] = [];
    SEGMENT.lastIndex = indent;
    for (let m = SEGMENT.exec(line); m; m = SEGMENT.exec(line)) segs.push({ start: m.index, end: m.index + m[0].length });
    if (segs.length < 2) continue;
    const first = Math.floor(rng() * (segs.length - 1));
    const toLineEnd = rng() < 0.25;
    const last = toLineEnd ? segs.length - 1 : Math.min(segs.length - 1, first + Math.floor(rng() * 4));
    const start = lineStart + segs[first].start;
    const end = toLineEnd ? lineEnd : lineStart + segs[last].end;
    if (sites.some((s) => s.file === fi && s.start < end && start < s.end)) continue;
    sites.push({ file: fi, start, end });
  }
  sites.sort((a, b) => a.file - b.file || a.start - b.start);
  return sites.map((s) => ({
    file: files[s.file].relative,
    before: texts[s.file].slice(0, s.start),
    intended: texts[s.file].slice(s.start, s.end),
    after: texts[s.file].slice(s.end),
  }));
}
