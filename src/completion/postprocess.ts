/** Pure post-processing of a sampled completion against the text around the cursor. */

/** Trailing whitespace of a completion is never useful as ghost text. */
export function trimTrailingWhitespace(completion: string): string {
  return completion.replace(/[ \t\n]+$/, '');
}

/** True when the completion adds nothing the line does not already have after the cursor. */
export function repeatsSuffix(completion: string, lineSuffix: string): boolean {
  const c = completion.trim();
  return c.length === 0 || lineSuffix.trimStart().startsWith(c);
}

/**
 * When the rest of the line is only closing brackets/quotes/colons an editor auto-inserted (e.g. the `)`
 * of `foo(|)`), and the completion ends with that same text, replace those characters instead of
 * duplicating them. Returns how many characters after the cursor the completion replaces.
 */
import { isNameChar } from '../python/names';
export function suffixOverlap(completion: string, lineSuffix: string): number {
  const suffix = lineSuffix.replace(/\s+$/, '');
  if (!suffix || !/^[)\]}'":,]+$/.test(suffix)) return 0;
  return completion.endsWith(suffix) ? suffix.length : 0;
}

/**
 * Do not complete in the middle of a word that continues after the cursor (`pri|nt`): the user is editing
 * an existing token.
 */
export function midWord(prefixLine: string, lineSuffix: string): boolean {
  return isNameChar(prefixLine[prefixLine.length - 1]) && isNameChar(lineSuffix[0]);
}
