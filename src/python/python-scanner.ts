/**
 * A small Python lexer for what the completion rules and the long-range analysis need: which characters
 * are code, string or comment; the bracket stack (ignoring brackets in strings and comments) with the
 * position of each opener; and string spans with their quote kind. It tolerates incomplete text (the
 * text before a cursor), which is where it is used most.
 */

export const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
export const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

export interface OpenBracket {
  char: string;
  pos: number;
}

export interface StringState {
  quote: string; // ' " ''' or """
  start: number; // position of the first quote character
}

export interface BracketPair {
  open: number;
  close: number;
  char: string; // the closer
  depth: number; // nesting depth of the pair, 1 = outermost
}

export interface StringSpan {
  quote: string;
  /** Position of the first opening quote character. */
  start: number;
  /** Position of the first closing quote character. */
  closeStart: number;
  /** Characters between the quotes. */
  length: number;
}

export interface ScanResult {
  /** Brackets still open at the end, innermost last. */
  open: OpenBracket[];
  /** The string the text ends inside, if any. */
  inString: StringState | null;
  /** True when the text ends inside a comment. */
  inComment: boolean;
  pairs: BracketPair[];
  strings: StringSpan[];
  /** Closers that matched no opener (or the wrong one). */
  unmatchedClosers: number[];
}

export function scanPython(text: string): ScanResult {
  const open: OpenBracket[] = [];
  const pairs: BracketPair[] = [];
  const strings: StringSpan[] = [];
  const unmatched: number[] = [];
  let inString: StringState | null = null;
  let inComment = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (inComment) {
      if (c === '\n') inComment = false;
      i++;
      continue;
    }
    if (inString) {
      const q = inString.quote;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (q.length === 1 && c === '\n') {
        // An unterminated single-quoted string ends at the line end (a syntax error; recover).
        inString = null;
        i++;
        continue;
      }
      if (text.startsWith(q, i)) {
        strings.push({ quote: q, start: inString.start, closeStart: i, length: i - inString.start - q.length });
        inString = null;
        i += q.length;
        continue;
      }
      i++;
      continue;
    }
    if (c === '#') {
      inComment = true;
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      // Skip string prefixes already consumed as identifier characters; they do not matter here.
      const triple = text.startsWith(c + c + c, i);
      const quote = triple ? c + c + c : c;
      inString = { quote, start: i };
      i += quote.length;
      continue;
    }
    if (c in OPENERS) {
      open.push({ char: c, pos: i });
    } else if (c in CLOSERS) {
      const top = open[open.length - 1];
      if (top && top.char === CLOSERS[c]) {
        open.pop();
        pairs.push({ open: top.pos, close: i, char: c, depth: open.length + 1 });
      } else {
        unmatched.push(i);
      }
    }
    i++;
  }
  return { open, inString, inComment, pairs, strings, unmatchedClosers: unmatched };
}

export interface LogicalLine {
  /** Position of the line's first character. */
  pos: number;
  text: string;
  /** The run of spaces and tabs it starts with. */
  indent: string;
}

/**
 * Lines that start a statement: not blank, not only a comment, and not inside brackets or a string that an
 * earlier line opened.
 */
export function logicalLines(text: string): LogicalLine[] {
  const scan = scanPython(text);
  const covered = new Uint8Array(text.length + 1);
  for (const p of scan.pairs) covered.fill(1, p.open + 1, p.close + 1);
  for (const s of scan.strings) covered.fill(1, s.start + 1, s.closeStart + 1);
  for (const o of scan.open) covered.fill(1, o.pos + 1);
  if (scan.inString) covered.fill(1, scan.inString.start + 1);
  const out: LogicalLine[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end);
    if (line.trim() && !line.trimStart().startsWith('#') && !covered[pos]) out.push({ pos, text: line, indent: /^[ \t]*/.exec(line)![0] });
    pos = end + 1;
  }
  return out;
}
