/**
 * Inside a string the model guesses prose, which it does badly: a suggestion there needs a mean character
 * probability of at least `minConfidence` (settings), else nothing is shown.
 */
import { FilterContext, Rejection, Suggestion, meanProbability } from './filter';

export function rejectUnsureInString(s: Suggestion, ctx: FilterContext): Suggestion | Rejection {
  if (!ctx.inString) return s;
  const mean = meanProbability(s);
  return mean < ctx.minConfidence ? { outcome: 'low-confidence', meanProbability: mean } : s;
}
