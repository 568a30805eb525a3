/**
 * Which part of the text before the cursor is fed to the model. Long documents are cut to about
 * `contextChars`, at a start that stays the same while the user types (it moves in whole blocks and snaps
 * to a line start), so consecutive keystrokes extend the same text and the session's state cache applies.
 */

export function contextStart(prefix: string, contextChars: number, block = 1024): number {
  return contextStartAt(prefix, prefix.length, contextChars, block);
}

/** contextStart of text.slice(0, end), without the copy. */
function contextStartAt(text: string, end: number, contextChars: number, block: number): number {
  if (end <= contextChars) return 0;
  const raw = Math.floor((end - contextChars) / block) * block + block;
  const nl = text.indexOf('\n', raw);
  return nl < 0 || nl + 1 >= end ? raw : nl + 1;
}

/**
 * The lines to prime so that a completion at the end of any of `lines` (0-based, in order) resumes from a
 * line-start snapshot: lines whose context starts at the same place share one priming pass (the session keeps a
 * snapshot at every line start it steps through), so it is the last line of each such group. `text` is the
 * document's text (LF line endings) up to at least the end of the last line.
 */
export function primeLines(text: string, lines: number[], contextChars: number, block = 1024): number[] {
  const ends: number[] = [];
  for (let line = 0, i = 0; line <= (lines[lines.length - 1] ?? -1); line++) {
    const nl = text.indexOf('\n', i);
    ends[line] = nl < 0 ? text.length : nl;
    i = ends[line] + 1;
  }
  const chosen: number[] = [];
  let lastStart = -1;
  for (const line of lines) {
    const start = contextStartAt(text, ends[line], contextChars, block);
    if (start === lastStart) chosen[chosen.length - 1] = line;
    else chosen.push(line);
    lastStart = start;
  }
  return chosen;
}
