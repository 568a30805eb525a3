/**
 * Which characters after the cursor a completion replaces. VS Code's defaults auto-close brackets and quotes:
 * typing `def f(` leaves `def f(|)`, and a completion `a, b):` inserted before that `)` would leave a stray one
 * (`def f(a, b):)`). A completion that closes what those closers close replaces them instead, so accepting it
 * leaves the line it shows. VS Code draws such an item as ghost text in parts around the replaced characters
 * (they must appear in the completion in order: an insertion only, never a deletion).
 */
import { CLOSERS, scanPython } from '../../python/python-scanner';

/** The characters an editor auto-inserts after the cursor: closing brackets and quotes. */
const AUTO_CLOSERS = /^[)\]}'"]*/;

/** True when `sub` appears in `text` in order (not necessarily adjacent). */
function isSubsequence(sub: string, text: string): boolean {
  let i = 0;
  for (let k = 0; k < text.length && i < sub.length; k++) if (text[k] === sub[i]) i++;
  return i === sub.length;
}

/**
 * True when every character of `tail`, written after `base`, closes something `base` opened (a bracket or a
 * string): no closer that closes nothing, no quote that starts a string, none left inside a comment.
 */
function tailOnlyCloses(base: string, tail: string, baseEndsInComment: boolean): boolean {
  if (!tail) return true;
  if (baseEndsInComment) return false;
  const scan = scanPython(base + tail);
  const from = base.length;
  if (scan.unmatchedClosers.some((p) => p >= from)) return false;
  if (scan.inString && scan.inString.start >= from) return false;
  if (scan.strings.some((s) => s.start >= from)) return false;
  // Inside an f-string the scanner sees text, but VS Code auto-closes the { and ( typed there: count them.
  return !(F_STRING.test(base) && bracketsOnlyUnmatched(base + tail, from));
}

/** An f-string opened on the line (f'..., rf"...). */
const F_STRING = /(?:^|[^A-Za-z0-9_])(?:[fF][rR]?|[rR][fF])['"]/;

/** True when a bracket at or after `from` closes nothing, counting every bracket (in strings too). */
function bracketsOnlyUnmatched(text: string, from: number): boolean {
  const stack: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in CLOSERS) {
      if (stack[stack.length - 1] === CLOSERS[c]) stack.pop();
      else if (i >= from) return true;
    }
  }
  return false;
}

/**
 * How many characters after the cursor `completion` replaces, given the text before the cursor (`before`,
 * which may be only the context the model read) and the rest of the line (`lineSuffix`):
 * - when the completion ends with the rest of the line, all of it: the model, which does not see that text,
 *   wrote it again (`print(|)` + `x)` replaces the `)`; `add(|, 2)` + `1, 2)` replaces `, 2)`);
 * - otherwise the fewest leading auto-closers whose removal leaves no closer that closes nothing and no quote
 *   that opens a string (`def f(|)` + `a, b):` replaces the `)`, `f'{|}'` + `x}'` replaces `}'`).
 */
export function suffixOverlap(completion: string, lineSuffix: string, before = ''): number {
  const suffix = lineSuffix.replace(/\s+$/, '');
  if (!suffix || !completion) return 0;
  if (completion.endsWith(suffix)) return suffix.length;
  const closers = AUTO_CLOSERS.exec(suffix)![0];
  if (!closers) return 0;
  const base = before + completion;
  const inComment = scanPython(base).inComment;
  for (let j = 0; j <= closers.length; j++) {
    if (!isSubsequence(closers.slice(0, j), completion)) break;
    if (tailOnlyCloses(base, closers.slice(j), inComment)) return j;
  }
  return 0;
}
