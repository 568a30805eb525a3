/**
 * When the rest of the line is only closing brackets/quotes/colons an editor auto-inserted (e.g. the `)` of
 * `foo(|)`), and the completion ends with that same text, the completion replaces those characters instead of
 * duplicating them. Returns how many characters after the cursor the completion replaces.
 */
export function suffixOverlap(completion: string, lineSuffix: string): number {
  const suffix = lineSuffix.replace(/\s+$/, '');
  if (!suffix || !/^[)\]}'":,]+$/.test(suffix)) return 0;
  return completion.endsWith(suffix) ? suffix.length : 0;
}
