/**
 * How much of a ghost text VS Code's Accept Next Word (Ctrl+Right) takes in one key. Read from VS Code 1.139's
 * `acceptNextWord` (inlineCompletionsModel): the text up to the end of the first word when the ghost text starts with
 * one, else up to the next word's start; but never past the end of the first run of blanks, when that run ends
 * sooner. Words are VS Code's default word definition, which Python's language configuration keeps. So `x * 2` is
 * taken as `x`, ` `, `* `, `2`, and `, root` as `, `, `root`: finer pieces than "blanks then a name" (the replay's
 * rule before 2026-12-08, which counted a key less for many of them).
 */

/** VS Code's default word definition (wordHelper.ts): a number with a decimal point, or a run of non-separators. */
const VSCODE_WORD = /(-?\d*\.\d\w*)|([^`~!@#$%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+)/;

/** Characters of `text` one Accept Next Word takes (all of it when it holds no word and no blank run). */
export function acceptNextWordLength(text: string): number {
  const word = VSCODE_WORD.exec(text);
  let end = word ? (word.index === 0 ? word[0].length : word.index) : text.length;
  const blanks = /\s+/.exec(text);
  if (blanks && blanks.index + blanks[0].length < end) end = blanks.index + blanks[0].length;
  return end;
}

/** The pieces successive Accept Next Word presses take from `text`, in order. */
export function acceptNextWordPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length;) {
    const n = Math.max(1, acceptNextWordLength(text.slice(at)));
    pieces.push(text.slice(at, at + n));
    at += n;
  }
  return pieces;
}
