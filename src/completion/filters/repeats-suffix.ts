/** A suggestion the rest of the line already holds adds nothing (`foo|  foo(bar)`): not shown. */
import { FilterContext, Rejection, Suggestion } from './filter';

export function repeatsSuffix(completion: string, lineSuffix: string): boolean {
  const c = completion.trim();
  return c.length === 0 || lineSuffix.trimStart().startsWith(c);
}

export function rejectRepeatedSuffix(s: Suggestion, ctx: FilterContext): Suggestion | Rejection {
  return repeatsSuffix(s.text, ctx.lineSuffix) ? { outcome: 'repeats-suffix' } : s;
}
