/**
 * What a post-processing filter sees and says. The engine's suggestion (the text the search kept and each
 * character's probability) passes through `SUGGESTION_FILTERS` in order (filters/index.ts): each returns the
 * suggestion, changed or not, or the reason it is not shown. One pure rule per file, each with its own table test
 * (as Tabby's completion agent keeps its post-processing).
 */

/** Why a request shows nothing (or 'ok'). */
export type CompletionOutcome = 'ok' | 'mid-word' | 'cancelled' | 'low-confidence' | 'empty' | 'repeats-suffix';

export interface Suggestion {
  text: string;
  /** The probability of each character of `text`, in order. */
  probabilities: number[];
}

export interface FilterContext {
  /** Text after the cursor up to the end of its line. */
  lineSuffix: string;
  /** The cursor is inside a string literal. */
  inString: boolean;
  /** Inside a string, the mean character probability a suggestion needs. */
  minConfidence: number;
}

export interface Rejection {
  outcome: Exclude<CompletionOutcome, 'ok'>;
  meanProbability?: number;
}

export type SuggestionFilter = (s: Suggestion, ctx: FilterContext) => Suggestion | Rejection;

export const isRejection = (r: Suggestion | Rejection): r is Rejection => 'outcome' in r;

/** The mean probability of a suggestion's characters (0 for none). */
export const meanProbability = (s: Suggestion): number => (s.probabilities.length ? s.probabilities.reduce((a, b) => a + b, 0) / s.probabilities.length : 0);
