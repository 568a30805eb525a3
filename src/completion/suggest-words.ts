/**
 * The words the extension lists in VS Code's suggest widget for Python, so the widget and the ghost text agree.
 *
 * VS Code opens its suggest widget as a name is typed (editor.quickSuggestions) and, while it is open, shows ghost
 * text only if it extends the widget's selected item. Its own word-based list selects the first matching word in
 * label order (`dep` -> `dependencies`), which hides a ghost text that means `dependency`: in the editor replay
 * under VS Code's defaults, 14% of keystrokes had the widget open, and most of the ghost text lost there was hidden
 * this way. A completion provider for Python comes before the word-based one (VS Code asks the word-based provider
 * only when the providers for the language return nothing), so the extension lists the document's words itself,
 * with the model's word first: the name the ghost text completes, or, when the ghost text starts after the name,
 * the name as typed.
 */

const NAME = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The name the cursor is in, up to the cursor (empty when the text does not end in one, or it is a number). */
export function nameBeforeCursor(linePrefix: string): string {
  const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(linePrefix);
  if (!m || (m.index > 0 && /[0-9]/.test(linePrefix[m.index - 1]))) return '';
  return m[0];
}

/** The name the ghost text completes: what was typed and the name characters it starts with. */
export function modelWord(typed: string, ghost: string | undefined): string | undefined {
  if (!typed || ghost === undefined) return undefined;
  const rest = /^[A-Za-z0-9_]*/.exec(ghost)![0];
  return typed + rest;
}

/** The label order VS Code's widget showed for word matches: ignoring case, then by character code. */
export function widgetOrder(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct words of `text` that start with `typed` in any case, in widget order, at most `limit`. */
export function wordsStartingWith(text: string, typed: string, limit = 50): string[] {
  const lower = typed.toLowerCase();
  const found = new Set<string>();
  for (const m of text.matchAll(NAME)) if (m[0].toLowerCase().startsWith(lower)) found.add(m[0]);
  return [...found].sort(widgetOrder).slice(0, limit);
}

/**
 * The widget's list: the model's word first (when there is a ghost text), then the other words in widget order.
 * `words` are the document's words that match what was typed.
 */
export function widgetList(typed: string, ghost: string | undefined, words: readonly string[]): string[] {
  const first = modelWord(typed, ghost);
  return first ? [first, ...words.filter((w) => w !== first)] : [...words];
}
