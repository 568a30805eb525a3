/**
 * Which part of the text before the cursor is fed to the model, from a zero state. Measured with the bundled
 * model (bench/context-designs.ts, python3-attr and -markdown): a zero state 500 or more characters before a
 * character predicts it as well as the whole file before it does (within 1e-4 nats/char; 0.016 worse when the
 * context may be shorter), so the context needs no more than that, and its start can be chosen for reuse:
 * - at a definition line at column 0 (`def`, `async def`, `class`, a decorator) at least MIN_CONTEXT_CHARS
 *   before the cursor, the latest such (within `contextChars`); inside a class longer than that, at a method's
 *   (the same at column 4; measured as good). The start is fixed by the code itself, so it stays put while the
 *   user types (until the cursor is MIN_CONTEXT_CHARS past the next definition) and an edit elsewhere in the file
 *   changes neither it nor the text the state snapshots after it summarise;
 * - in a long stretch with no such line, about `contextChars` back, moving in whole blocks and snapped to a line
 *   start (the offsets then decide it, so an edit above moves it).
 */

/** A zero state this many characters back predicts as well as the whole prefix (measured; see above). */
export const MIN_CONTEXT_CHARS = 500;
/** How far the fallback window's start moves at a time. */
export const BLOCK_CHARS = 1024;

export function contextStart(prefix: string, contextChars: number, block = BLOCK_CHARS): number {
  return contextStartAt(prefix, prefix.length, contextChars, block);
}

/** Whether a definition (`def`, `async def`, `class` or a decorator) starts at offset `at`. */
function opensDefinition(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 64 /* @ */) return true;
  if (c === 100 /* d */) return text.startsWith('def ', at);
  if (c === 99 /* c */) return text.startsWith('class ', at);
  return c === 97 /* a */ && text.startsWith('async def ', at);
}

/**
 * contextStart of text.slice(0, end), without the copy. It is measured from the start of the cursor's line (unless
 * the line is very long), so every cursor position on a line has the same start and the line-start snapshot
 * serves them all.
 */
export function contextStartAt(text: string, end: number, contextChars: number, block = BLOCK_CHARS): number {
  const lineStart = end > 0 ? text.lastIndexOf('\n', end - 1) + 1 : 0;
  const ref = end - lineStart <= block ? lineStart : end;
  const min = Math.min(MIN_CONTEXT_CHARS, contextChars);
  const limit = ref - contextChars;
  // One walk back over the line starts in [limit, ref - min]: the latest top-level definition wins; failing one,
  // the latest method (column 4), for the inside of a class longer than the context.
  let method = -1;
  for (
    let nl = ref - min - 1 >= 0 ? text.lastIndexOf('\n', ref - min - 1) : -1;
    nl >= 0 && nl + 1 >= limit;
    nl = nl > 0 ? text.lastIndexOf('\n', nl - 1) : -1
  ) {
    const ls = nl + 1;
    if (opensDefinition(text, ls)) return ls;
    if (method < 0 && text.startsWith('    ', ls) && opensDefinition(text, ls + 4)) method = ls;
  }
  if (limit <= 0) return 0; // the file's start is the latest top-level anchor in reach
  if (method >= 0) return method;
  const raw = Math.floor(limit / block) * block + block;
  const nl = text.indexOf('\n', raw);
  return nl < 0 || nl + 1 > ref ? Math.min(raw, ref) : nl + 1;
}
