/**
 * Names that look like a slip of another: a name the file's code uses exactly once (nowhere else in the file, not
 * even in a string or comment) that is one edit away from a name it uses elsewhere or from a Python keyword (two
 * neighbouring letters swapped, one letter dropped, added or changed). The model finds a misspelt name surprising
 * only where it expected the right one; a transposed name in a line of its own (`cosntruct_scalar`) was missed
 * entirely (issue 44), while this rule names it and the name it looks like.
 *
 * Pairs that are edits on purpose are left alone: a trailing `s` (`path`/`paths`), a case change (`Node`/`node`), an
 * underscore added or dropped, digits (`arg1`/`arg2`), a letter changed in a one-letter part (`get_x`/`get_y`), a first letter
 * changed, added or dropped (`lstrip`/`rstrip`, `get`/`set`); so are builtins and other objects' attributes
 * (`os.path.isfile`), a function or class being defined, and dunder names (`__getitem__`/`__setitem__`), which are spelt where they are defined.
 */
import { NAME_RE, isNameChar } from '../python/names';
import { FeatureTable, charFeatures } from './char-features';

export interface NearName {
  /** 0-based line and the name's column in it. */
  line: number;
  column: number;
  name: string;
  /** The name it is one edit away from. */
  near: string;
}

/** The names (identifiers and keywords) in code, not in strings or comments: [start, end) spans. */
export function codeNames(text: string, f: FeatureTable = charFeatures(text)): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(NAME_RE)) {
    const s = m.index!;
    const e = s + m[0].length;
    if (isNameChar(text[s - 1])) continue; // the tail of a number such as 0x1f
    if (f['in-string'][s] || f['in-comment'][s]) continue;
    if (e - s >= 2) spans.push([s, e]);
  }
  return spans;
}

/** Python's keywords and common builtins: a misspelt one (`retrun`) is a slip even where the right one is used once or never; they are never flagged. */
const PYTHON_NAMES = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'self', 'cls', 'print', 'range', 'len', 'list', 'dict', 'tuple', 'str', 'int', 'float', 'bool', 'bytes',
  'object', 'super', 'isinstance', 'issubclass', 'getattr', 'setattr', 'hasattr', 'delattr', 'type', 'iter', 'next', 'open', 'enumerate',
  'sorted', 'reversed', 'min', 'max', 'sum', 'any', 'all', 'map', 'filter', 'zip', 'repr', 'format', 'hash', 'callable', 'property',
  'staticmethod', 'classmethod', 'Exception', 'ValueError', 'TypeError', 'KeyError', 'IndexError', 'AttributeError', 'RuntimeError',
  'NotImplementedError', 'StopIteration', 'OSError', 'ImportError', 'NotImplemented', 'frozenset', 'bytearray', 'vars', 'globals',
]; // prettier-ignore
const PYTHON_NAME_SET = new Set(PYTHON_NAMES);

/** Names shorter than this are never flagged: one letter off a short name is as often another name. */
const MIN_LENGTH = 4;

/** Every string one letter shorter than `s`: two names one edit apart share one of them (or one is the other's). */
function deletions(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.slice(0, i) + s.slice(i + 1));
  return out;
}

/** The two names' edit when they are one apart: which kind, and where in the longer (or first) name. */
function oneEdit(a: string, b: string): { kind: 'swap' | 'delete' | 'insert' | 'replace'; at: number } | undefined {
  if (a === b) return undefined;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length < 3; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return { kind: 'replace', at: diff[0] };
    if (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) return { kind: 'swap', at: diff[0] };
    return undefined;
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  if (long.length !== short.length + 1) return undefined;
  let i = 0;
  while (i < short.length && long[i] === short[i]) i++;
  if (long.slice(i + 1) !== short.slice(i)) return undefined;
  return { kind: a.length > b.length ? 'insert' : 'delete', at: i };
}

/** True when the edit between a name and a known one is one people make on purpose (see the module comment). */
function deliberate(name: string, known: string): boolean {
  if (name.toLowerCase() === known.toLowerCase()) return true;
  if (name.replace(/_/g, '') === known.replace(/_/g, '')) return true; // key_file/keyfile, time_/time, _name/name
  const [long, short] = name.length >= known.length ? [name, known] : [known, name];
  if (long.length === short.length + 1 && long === short + 's') return true;
  const e = oneEdit(name, known)!;
  if (e.at === 0 && e.kind !== 'swap') return true; // lstrip/rstrip, get/set, strip/rstrip: another word, not a slip
  const letters = e.kind === 'swap' ? [name[e.at], name[e.at + 1]] : [name[e.at], known[e.at]];
  if (letters.some((c) => c !== undefined && /[0-9]/.test(c))) return true;
  if (e.kind === 'replace') {
    // The part of the name (between underscores) the changed letter is in.
    const end = name.indexOf('_', e.at);
    const partLength = (end < 0 ? name.length : end) - (name.lastIndexOf('_', e.at) + 1);
    if (name[e.at] !== '_' && partLength === 1) return true;
  }
  return false;
}

/** The names in `text`'s code that look like a slip of another name (at most one per line, first in the line). */
export function nearNames(text: string, f: FeatureTable = charFeatures(text)): NearName[] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(NAME_RE)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  // Known names: used more than once, or keywords. Indexed by their one-letter deletions (and themselves).
  const known = new Set([...[...counts].filter(([, n]) => n > 1).map(([k]) => k), ...PYTHON_NAMES]);
  const byDeletion = new Map<string, string[]>();
  const add = (key: string, name: string) => {
    const list = byDeletion.get(key);
    if (list) list.push(name);
    else byDeletion.set(key, [name]);
  };
  for (const k of known) {
    add(k, k);
    for (const d of deletions(k)) add(d, k);
  }
  const out: NearName[] = [];
  let line = 0;
  let newline = text.indexOf('\n');
  let lineStart = 0;
  let lastLine = -1;
  for (const [s, e] of codeNames(text, f)) {
    const name = text.slice(s, e);
    if (name.length < MIN_LENGTH || counts.get(name) !== 1 || PYTHON_NAME_SET.has(name) || /^__.*__$/.test(name)) continue;
    // A function or class defined here and named nowhere else is new on purpose (`_ipconfig_getnode` beside
    // `_ifconfig_getnode`), whatever it is spelt like.
    if (/\b(?:def|class)\s+$/.test(text.slice(Math.max(0, s - 12), s))) continue;
    // An attribute of another object (`os.path.isfile`) is that object's name; only `self.` and `cls.` are the file's.
    if (text[s - 1] === '.' && !/(?:^|[^\w.])(?:self|cls)\.$/.test(text.slice(Math.max(0, s - 6), s))) continue;
    const candidates = new Set([...(byDeletion.get(name) ?? []), ...deletions(name).flatMap((d) => byDeletion.get(d) ?? [])]);
    // A keyword or builtin the file does not use twice counts only for a swap: `item` is not a slip of `iter`.
    const usedHere = (k: string) => (counts.get(k) ?? 0) > 1;
    const near = [...candidates].find((k) => {
      const e = k !== name && oneEdit(name, k);
      return e && (usedHere(k) || e.kind === 'swap') && !deliberate(name, k);
    });
    if (!near) continue;
    while (newline >= 0 && newline < s) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', newline + 1);
    }
    if (line === lastLine) continue;
    lastLine = line;
    out.push({ line, column: s - lineStart, name, near });
  }
  return out;
}
