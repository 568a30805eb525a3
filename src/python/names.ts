/**
 * Python names, spelled once: the characters a name is made of ([A-Za-z0-9_], ASCII as the model's vocabulary
 * is) and a whole name (a letter or underscore, then name characters). Completion rules, the cache, the replay's
 * tokens and the lens all split text at the same place.
 */

/** One character of a name. */
export const NAME_CHAR = /[A-Za-z0-9_]/;

/** Whole names in a text (global: use with matchAll or exec in a loop). */
export const NAME_RE = /[A-Za-z_][A-Za-z0-9_]*/g;

/** True when `c` (one character, or undefined) can be part of a name. */
export function isNameChar(c: string | undefined): boolean {
  return c !== undefined && NAME_CHAR.test(c);
}
