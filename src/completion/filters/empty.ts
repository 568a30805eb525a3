/** A suggestion of blanks only shows nothing. */
import { Rejection, Suggestion } from './filter';

export function rejectEmpty(s: Suggestion): Suggestion | Rejection {
  return s.text.trim() ? s : { outcome: 'empty' };
}
