/** Trailing whitespace of a completion is never useful as ghost text: it is cut (with its probabilities). */
import { Suggestion } from './filter';

export function trimTrailingWhitespace(s: Suggestion): Suggestion {
  const text = s.text.replace(/[ \t\n]+$/, '');
  return text.length === s.text.length ? s : { text, probabilities: s.probabilities.slice(0, text.length) };
}
