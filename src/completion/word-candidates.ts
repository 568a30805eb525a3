/**
 * Document words as completions of the name being typed, weighed against the searched continuation.
 * A candidate's probability mixes the LSTM's (the product over its characters, scored from the cursor's
 * state) with the word's share among the document's names that start the same way:
 *   p = w · p_lstm + (1 − w) · share.
 * The LSTM alone underrates a project's own names it never saw; the counts alone ignore the context.
 * Whichever suggestion (the search's or a word's) promises the most keystrokes saved — p · (length − 1),
 * as accepting costs one — is shown, if its p reaches the threshold.
 */
import { SCOPE_EXTRA_WEIGHT, wordsAroundCursor } from './document-words';
import { expectedKeystrokesSaved } from './confidence-cut';

/** The settings that shape word candidates (a part of CompletionSettings). */
export interface WordCandidateSettings {
  wordCandidates: number;
  wordModelWeight: number;
  confidenceThreshold: number;
  minChars: number;
}

/** What the candidates need of an inference session: the probability of each character of a continuation. */
export interface Scorer {
  score(continuation: string, minProduct?: number): number[];
}

/** Characters of text after the cursor the document sources read (bounded, so a request stays cheap). */
export const AFTER_CURSOR_CHARS = 8000;
/**
 * Characters before the cursor the document sources read: more than the LSTM's context window, since a
 * search for a repeated name or line costs little and a long file repeats itself from far back.
 */
export const BEFORE_CURSOR_CHARS = 60_000;

export interface Scored {
  text: string;
  /** The LSTM's probability for each character of `text`. */
  probabilities: number[];
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const gain = expectedKeystrokesSaved;

/**
 * The best document word completing the name at the end of `text` (the document before the cursor),
 * if it beats `searched` (the cut search result, possibly empty) by expected keystrokes saved.
 */
export function bestWordCandidate(session: Scorer, text: string, after: string, settings: WordCandidateSettings, searched: Scored): Scored | undefined {
  // The caller passes the document before the cursor (up to BEFORE_CURSOR_CHARS); names end with it.
  const { partial, index } = wordsAroundCursor(text, after.slice(0, AFTER_CURSOR_CHARS), SCOPE_EXTRA_WEIGHT);
  if (!partial) return undefined;
  let best: Scored | undefined;
  let bestGain = searched.text ? gain(product(searched.probabilities), searched.text.length) : 0;
  const w = settings.wordModelWeight;
  for (const c of index.candidates(partial, settings.wordCandidates)) {
    const rest = c.word.slice(partial.length);
    if (rest.length < settings.minChars) continue;
    // Below this LSTM probability the mixture cannot reach the threshold or the best gain so far.
    const floor = Math.max(0, (Math.max(settings.confidenceThreshold, bestGain / (rest.length - 1)) - (1 - w) * c.share) / Math.max(w, 1e-9));
    if (floor > 1) continue;
    const probabilities = session.score(rest, floor);
    const pLstm = probabilities.length === rest.length ? product(probabilities) : 0;
    const p = w * pLstm + (1 - w) * c.share;
    if (p < settings.confidenceThreshold) continue;
    const g = gain(p, rest.length);
    if (g > bestGain) {
      bestGain = g;
      best = {
        text: rest,
        probabilities: probabilities.length === rest.length ? probabilities : [...probabilities, ...Array(rest.length - probabilities.length).fill(0)],
      };
    }
  }
  return best;
}
