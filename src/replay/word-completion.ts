/**
 * The baseline every replay reports beside the model: VS Code's word-based suggestions with no extension
 * installed, reduced to the one that matters for a Tab user — the most frequent word of the document that
 * extends the partial identifier before the cursor (ties: the one seen last). Words are counted over the
 * text the index has been shown, so in a typing replay only words earlier in the document are offered.
 */

const WORD_RE = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The identifier being typed at the end of `prefix` ('' when the cursor does not follow a name). */
export function partialIdentifier(prefix: string): string {
  const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(prefix);
  if (!m) return '';
  // A name cannot start right after a digit (`0x1f`, `1e5`): that is a number, not a word.
  const before = prefix[m.index - 1];
  return before !== undefined && /[0-9]/.test(before) ? '' : m[0];
}

interface Entry {
  count: number;
  lastSeen: number;
}

export class WordIndex {
  private readonly words = new Map<string, Entry>();
  private seen = 0;

  /** Counts every whole word of `text` (each call adds; pass text in document order). */
  add(text: string): void {
    WORD_RE.lastIndex = 0;
    for (let m = WORD_RE.exec(text); m; m = WORD_RE.exec(text)) {
      const e = this.words.get(m[0]);
      this.seen++;
      if (e) {
        e.count++;
        e.lastSeen = this.seen;
      } else this.words.set(m[0], { count: 1, lastSeen: this.seen });
    }
  }

  /** The best known word that extends `partial` (longer than it), or undefined. */
  suggest(partial: string): string | undefined {
    if (!partial) return undefined;
    let best: string | undefined;
    let bestEntry: Entry | undefined;
    for (const [w, e] of this.words) {
      if (w.length <= partial.length || !w.startsWith(partial)) continue;
      if (!bestEntry || e.count > bestEntry.count || (e.count === bestEntry.count && e.lastSeen > bestEntry.lastSeen)) {
        best = w;
        bestEntry = e;
      }
    }
    return best;
  }
}

/**
 * Keeps a WordIndex in step with a document typed from top to bottom: each call passes the text before the
 * cursor, which only grows; words that end before the identifier under the cursor are counted, the one
 * being typed is not.
 */
export class EarlierWords {
  private readonly index = new WordIndex();
  private counted = 0;

  /** The rest of the best word extending the partial identifier at the end of `prefix`, or undefined. */
  suggest(prefix: string): string | undefined {
    if (prefix.length < this.counted) throw new Error('EarlierWords: the text before the cursor must only grow');
    const partial = partialIdentifier(prefix);
    // Count up to the start of the trailing run of word characters, so no word is ever cut in two.
    const end = prefix.length - /[A-Za-z0-9_]*$/.exec(prefix)![0].length;
    if (end > this.counted) {
      this.index.add(prefix.slice(this.counted, end));
      this.counted = end;
    }
    const w = this.index.suggest(partial);
    return w === undefined ? undefined : w.slice(partial.length);
  }
}

/** Word completion in a document with text after the cursor: words anywhere in it except the one typed. */
export function suggestInDocument(prefix: string, after: string): string | undefined {
  const partial = partialIdentifier(prefix);
  if (!partial) return undefined;
  const index = new WordIndex();
  index.add(prefix.slice(0, prefix.length - partial.length));
  index.add(after);
  return index.suggest(partial)?.slice(partial.length);
}
