/**
 * What VS Code as shipped does to the keys a replay's user types in a Python file, so the replay counts the keys a
 * user of the defaults presses (the plain editor, `plain`, auto-closes nothing and indents every line for free):
 *
 * - **Auto-closing** (`editor.autoClosingBrackets`/`Quotes`: languageDefined, with Python's language configuration):
 *   `( [ {` get their closer after the cursor when the next character is a blank, the line end or one of
 *   `;:.,=}])>'"`; a quote does too outside strings (`'` also outside comments) unless it follows a name character
 *   other than a string prefix (`f'`, `rb"`...). Typing a closer that VS Code inserted overtypes it.
 * - **Closers left on a line the user ends**: before Enter the user deletes them (Ctrl+Delete, one key: they are one
 *   run of punctuation), since VS Code would carry them to the next line (or below it, after an opener).
 * - **The suggest widget** (`editor.quickSuggestions` on in code, word-based suggestions): after a name that another
 *   word of the document starts with, it is open, and Enter would accept its item: the user presses Escape first.
 * - **Auto-indent** (`editor.autoIndent`: full): a new line takes the indentation of the line above, one level more
 *   after a line that ends with `:` after a block keyword or ends with an opener (Python's onEnterRules and the
 *   brackets rule); a blank line keeps the indentation it was given. The user fixes it to what they mean: Backspace
 *   removes one level, Tab adds one, a space adds one column.
 */
import { nameBeforeCursor, widgetOrder } from '../completion/suggest-words';

/** The characters before which VS Code auto-closes: its default autoCloseBefore, closing quotes, the line end. */
const AUTO_CLOSE_BEFORE = new Set([';', ':', '.', ',', '=', '}', ']', ')', '>', ' ', '\t', '\n', "'", '"', undefined]);
const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE_OF_ANY: Record<string, true> = { ')': true, ']': true, '}': true };
const BLOCK_LINE = /^\s*(?:def|class|for|if|elif|else|while|try|with|finally|except|async)\b.*?:\s*$/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const STRING_PREFIX = /(?:^|[^A-Za-z0-9_])(?:[rRuUfFbB]|[rR][bBfF]|[bBfF][rR])$/;

export type EditorKind = 'plain' | 'vscode';

/** Where the text before the cursor ends: inside a string (which quote) or a comment, from the current line back. */
export interface LexState {
  inString: string | null;
  inComment: boolean;
}

/** One line's auto-closed characters after the cursor, as the user's keys change them. */
export class AutoClosedLine {
  /** The closers VS Code inserted that are still after the cursor, in order. */
  pending = '';

  /**
   * The user types `ch` (not a line break) after `before` (the line so far): the closers after the cursor change.
   * Returns true when the key overtyped a closer.
   */
  type(ch: string, before: string, lex: LexState): boolean {
    if (this.pending[0] === ch && (ch in CLOSE_OF_ANY || ch === "'" || ch === '"')) {
      this.pending = this.pending.slice(1);
      return true;
    }
    const next = this.pending[0];
    if (!AUTO_CLOSE_BEFORE.has(next)) return false;
    if (ch in PAIRS) this.pending = PAIRS[ch] + this.pending;
    else if (ch === '"' || ch === "'") {
      if (lex.inString || (ch === "'" && lex.inComment)) return false;
      const prev = before[before.length - 1];
      if (prev !== undefined && NAME_CHAR.test(prev) && !STRING_PREFIX.test(before)) return false;
      this.pending = ch + this.pending;
    }
    return false;
  }

  /** A suggestion that replaced `replaced` characters after the cursor was accepted. */
  accept(replaced: number): void {
    this.pending = this.pending.slice(Math.min(replaced, this.pending.length));
  }

  /** Enter: the keys to clear the closers first (0 or 1); the next line starts with none. */
  enter(): number {
    const keys = this.pending ? 1 : 0;
    this.pending = '';
    return keys;
  }
}

/**
 * True when typing `rest` (the rest of the line the user means) from an editor line whose auto-closed characters
 * are `pending` overtypes every one of them: the line then ends as the user meant, with nothing left over.
 */
export function closersConsumedBy(pending: string, rest: string, before: string, lex: LexState): boolean {
  if (!pending) return true;
  const line = new AutoClosedLine();
  line.pending = pending;
  let text = before;
  let quote = lex.inString;
  for (const ch of rest) {
    if (ch === '\n') break;
    line.type(ch, text, { inString: quote, inComment: lex.inComment });
    // A rough string state along the line is enough here: quotes open and close strings.
    if (ch === '"' || ch === "'") quote = quote === ch ? null : (quote ?? ch);
    text += ch;
  }
  return line.pending === '';
}

/** The indentation unit a file uses (VS Code's detectIndentation, roughly): the most common step between lines. */
export function indentUnit(text: string): number {
  const counts = new Map<number, number>();
  let prev = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const w = /^[ ]*/.exec(line)![0].length;
    const step = w - prev;
    if (step > 0 && step <= 8) counts.set(step, (counts.get(step) ?? 0) + 1);
    prev = w;
  }
  let best = 4;
  let n = 0;
  for (const [step, c] of counts) if (c > n || (c === n && step < best)) [best, n] = [step, c];
  return best;
}

/** The indentation (columns) VS Code gives the line after `line` when Enter is pressed at its end. */
export function autoIndentAfter(line: string, lineIndent: number, unit: number): number {
  if (!line.trim()) return lineIndent;
  const own = /^[ \t]*/.exec(line)![0].length;
  const trimmed = line.trimEnd();
  const opens = trimmed[trimmed.length - 1] in PAIRS;
  return own + (BLOCK_LINE.test(line) || opens ? unit : 0);
}

/** Keys to go from the indentation VS Code gave (`from` columns) to the one meant (`to`). */
export function indentKeys(from: number, to: number, unit: number): number {
  let keys = 0;
  let at = from;
  while (at > to) {
    // Backspace in leading spaces removes back to the previous tab stop (editor.useTabStops).
    at = at % unit ? at - (at % unit) : at - unit;
    keys++;
  }
  while (at < to) {
    const stop = at + unit - (at % unit);
    at = stop <= to ? stop : at + 1;
    keys++;
  }
  return keys;
}

/** The words of a document, as VS Code's word-based suggestions take them (names, not numbers). */
export class DocumentWords {
  private readonly words = new Set<string>();
  /** How far `add` has read. */
  private upTo = 0;

  /** Adds the words of `text` from where the last call stopped (whole words only: the last one may go on). */
  addThrough(text: string): void {
    const re = /[A-Za-z_][A-Za-z0-9_]*/g;
    re.lastIndex = this.upTo;
    let end = this.upTo;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index + m[0].length === text.length) break;
      this.words.add(m[0]);
      end = m.index + m[0].length;
    }
    this.upTo = end;
  }

  add(text: string): void {
    for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) this.words.add(m[0]);
  }

  /** Words that start with `prefix` in any case, in the widget's order for such matches (suggest-words.ts widgetOrder). */
  startingWith(prefix: string): string[] {
    const lower = prefix.toLowerCase();
    const found: string[] = [];
    for (const w of this.words) if (w.toLowerCase().startsWith(lower)) found.push(w);
    return found.sort(widgetOrder);
  }
}

/**
 * The item VS Code's suggest widget selects at the end of `text`, or undefined when it is closed: quick suggestions
 * open it in code (not in strings or comments) after a name that words of the document start with (the word being
 * typed is not one of them); it selects the first in its order.
 */
export function suggestWidgetItem(text: string, words: DocumentWords, lex: LexState = { inString: null, inComment: false }): string | undefined {
  if (lex.inString || lex.inComment) return undefined;
  const typed = nameBeforeCursor(text);
  return typed ? words.startingWith(typed)[0] : undefined;
}
