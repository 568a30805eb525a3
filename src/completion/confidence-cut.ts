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
import { acceptNextWordPieces } from './accept-next-word';

export type BoundaryRule = 'any' | 'prefer-token';

/**
 * longest: the longest qualifying prefix; gain: the one with the most expected keystrokes saved by a user who
 * accepts it whole (Tab); word-gain: the most saved by one who also takes its right leading words (Ctrl+Right, a key
 * a word), which may show more than the threshold allows as a whole while its first word reaches it.
 */
export type LengthRule = 'longest' | 'gain' | 'word-gain';

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
  if (opts.length === 'word-gain') return wordGainCut(text, probabilities, next, opts);
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

/** Where the pieces VS Code's Accept Next Word takes end (accept-next-word.ts). */
function segmentEnds(text: string): number[] {
  const ends: number[] = [];
  let end = 0;
  for (const piece of acceptNextWordPieces(text)) ends.push((end += piece.length));
  return ends;
}

/**
 * Keystrokes saved on average by showing text[0..ends[n-1]) to a user who takes it whole when it is all right (one
 * key) and otherwise its right leading pieces (a key each, when that saves any): with P_k the probability that the
 * first k pieces are right, P_n (L - 1) + sum over k < n of (P_k - P_{k+1}) max(0, c_k - k).
 */
export function wordUserGain(cumulative: readonly number[], ends: readonly number[], n: number): number {
  const P = (k: number) => cumulative[ends[k - 1] - 1];
  let gain = P(n) * (ends[n - 1] - 1);
  for (let k = 1; k < n; k++) gain += (P(k) - P(k + 1)) * Math.max(0, ends[k - 1] - k);
  return gain;
}

/** The word-gain rule: the piece boundary with the most expected keys saved, the first piece at least the threshold sure. */
function wordGainCut(text: string, probabilities: ArrayLike<number>, next: string | undefined, opts: CutOptions): number {
  const cumulative: number[] = [];
  let product = 1;
  for (let i = 0; i < text.length && i < probabilities.length; i++) cumulative.push((product *= probabilities[i]));
  const ends = segmentEnds(text.slice(0, cumulative.length)).filter((e) => endsAtTokenBoundary(text, e, next) || e === text.length);
  let best = 0;
  let bestGain = 0;
  for (let n = 1; n <= ends.length; n++) {
    if (n === 1 && cumulative[ends[0] - 1] < opts.threshold) break;
    const gain = wordUserGain(cumulative, ends, n);
    if (gain > bestGain) [best, bestGain] = [ends[n - 1], gain];
  }
  return best < opts.minChars ? 0 : best;
}
