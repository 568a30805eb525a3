/**
 * Which part of the text before the cursor is fed to the model. Long documents are cut to about
 * `contextChars`, at a start that stays the same while the user types (it moves in whole blocks and snaps
 * to a line start), so consecutive keystrokes extend the same text and the session's state cache applies.
 */

export function contextStart(prefix: string, contextChars: number, block = 1024): number {
  if (prefix.length <= contextChars) return 0;
  const raw = Math.floor((prefix.length - contextChars) / block) * block + block;
  const nl = prefix.indexOf('\n', raw);
  return nl < 0 || nl + 1 >= prefix.length ? raw : nl + 1;
}
