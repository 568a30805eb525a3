/**
 * Where a searched (greedy) continuation is cut before it is shown. A suggestion is worth showing when it is
 * likely to be exactly what the user types: the probability that its first L characters are right is the
 * product of their probabilities, so the cut keeps a prefix whose product reaches the threshold. For a
 * threshold above 0.5 the greedy continuation is the only string that can reach it (each character must then
 * have probability above 0.5, so it is the most likely one), which is why a wider search buys nothing there.
 *
 * Accepting costs one keystroke, so a one-character suggestion saves nothing: `minChars` (2) keeps those off
 * the screen. Among the prefixes that qualify, the cut prefers one that ends at a token boundary, so the
 * ghost text does not stop in the middle of a name when a shorter, whole-token suggestion is as sure.
 */
import { isNameChar } from '../python/names';

export type BoundaryRule = 'any' | 'prefer-token';

/** longest: the longest qualifying prefix; gain: the one with the most expected keystrokes saved. */
export type LengthRule = 'longest' | 'gain';

export interface CutOptions {
  /** Lowest probability (product over the shown characters) a suggestion may have. */
  threshold: number;
  /** Shortest suggestion worth showing. */
  minChars: number;
  boundary: BoundaryRule;
  length?: LengthRule;
}

/** True when a cut after text[0..length) does not split a name or number (`next` follows the text). */
export function endsAtTokenBoundary(text: string, length: number, next: string | undefined): boolean {
  const last = text[length - 1];
  const after = length < text.length ? text[length] : next;
  if (after === undefined) return true;
  return !(isNameChar(last) && isNameChar(after));
}

/**
 * Keystrokes a suggestion of `length` characters saves on average when it is right with probability `p`:
 * accepting costs one key, so p · (length − 1). The cut (length 'gain') and the word candidates both weigh by it.
 */
export const expectedKeystrokesSaved = (p: number, length: number): number => p * (length - 1);

/**
 * The number of leading characters of `text` to show (0: nothing). `probabilities[i]` is the model's
 * probability of text[i] given everything before it; `next` is the character the search stopped before.
 */
export function confidenceCut(text: string, probabilities: ArrayLike<number>, next: string | undefined, opts: CutOptions): number {
  let longest = 0;
  let product = 1;
  let bestGain = 0;
  for (let i = 0; i < text.length && i < probabilities.length; i++) {
    product *= probabilities[i];
    if (product < opts.threshold) break;
    const gain = expectedKeystrokesSaved(product, i + 1);
    if (opts.length !== 'gain' || gain > bestGain) {
      bestGain = gain;
      longest = i + 1;
    }
  }
  if (longest < opts.minChars) return 0;
  if (opts.boundary === 'any') return longest;
  for (let l = longest; l >= opts.minChars; l--) {
    if (endsAtTokenBoundary(text, l, next)) return l;
  }
  return longest;
}
