/** The post-processing filters, in the order a suggestion passes them, and the pass itself. */
import { FilterContext, Rejection, Suggestion, SuggestionFilter, isRejection } from './filter';
import { trimTrailingWhitespace } from './trailing-whitespace';
import { rejectEmpty } from './empty';
import { rejectRepeatedSuffix } from './repeats-suffix';
import { rejectUnsureInString } from './string-confidence';

export const SUGGESTION_FILTERS: readonly SuggestionFilter[] = [trimTrailingWhitespace, rejectEmpty, rejectRepeatedSuffix, rejectUnsureInString];

/** The suggestion after every filter, or the first rejection. */
export function applyFilters(s: Suggestion, ctx: FilterContext, filters: readonly SuggestionFilter[] = SUGGESTION_FILTERS): Suggestion | Rejection {
  let current = s;
  for (const f of filters) {
    const r = f(current, ctx);
    if (isRejection(r)) return r;
    current = r;
  }
  return current;
}
