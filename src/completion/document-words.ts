/**
 * The names a document already uses, as completion candidates. Code repeats its own identifiers, which a
 * character model trained elsewhere has never seen; VS Code's word completion wins on exactly these. The
 * engine offers the most frequent document words that extend the name being typed, scored by the LSTM and
 * by their share among the document's words with that prefix.
 */
import { NAME_RE } from '../python/names';

const NAME_AT_END = new RegExp(`${NAME_RE.source}$`);

/** The identifier being typed at the end of `prefix` ('' when the cursor does not follow a name). */
export function partialIdentifier(prefix: string): string {
  const m = NAME_AT_END.exec(prefix);
  if (!m) return '';
  // A name cannot start right after a digit (`0x1f`, `1e5`): that is a number, not a word.
  const before = prefix[m.index - 1];
  return before !== undefined && /[0-9]/.test(before) ? '' : m[0];
}

interface Entry {
  count: number;
  lastSeen: number;
}

export interface WordCandidate {
  word: string;
  /** Share of this word among the document's uses of names that start with the partial (an estimate of
   * the chance it is the one being typed; unseen names keep some of the mass). */
  share: number;
}

export class WordIndex {
  private readonly words = new Map<string, Entry>();
  private seen = 0;

  /** Counts every whole word of `text` (each call adds; pass text in document order). */
  add(text: string): void {
    for (const m of text.matchAll(NAME_RE)) {
      const e = this.words.get(m[0]);
      this.seen++;
      if (e) {
        e.count++;
        e.lastSeen = this.seen;
      } else this.words.set(m[0], { count: 1, lastSeen: this.seen });
    }
  }

  /**
   * Up to `k` words longer than `partial` that start with it, most frequent first (ties: seen last). The
   * share reserves Witten-Bell's escape mass for a name the document has not used yet: one count per
   * distinct matching word, and the partial itself as a finished word counts as an alternative.
   */
  candidates(partial: string, k: number): WordCandidate[] {
    if (!partial || k <= 0) return [];
    const matching: [string, Entry][] = [];
    let total = 0;
    let distinct = 0;
    for (const [w, e] of this.words) {
      if (!w.startsWith(partial)) continue;
      total += e.count;
      distinct++;
      if (w.length > partial.length) matching.push([w, e]);
    }
    matching.sort((a, b) => b[1].count - a[1].count || b[1].lastSeen - a[1].lastSeen);
    return matching.slice(0, k).map(([word, e]) => ({ word, share: e.count / (total + distinct) }));
  }

  /** The best known word that extends `partial` (longer than it), or undefined. */
  suggest(partial: string): string | undefined {
    return this.candidates(partial, 1)[0]?.word;
  }
}

/**
 * The name being typed at the end of `before` and the index of every other name of the document around the
 * cursor (the text before it, less that name, and `after`).
 */
export function wordsAroundCursor(before: string, after: string): { partial: string; index: WordIndex } {
  const partial = partialIdentifier(before);
  const index = new WordIndex();
  index.add(before.slice(0, before.length - partial.length));
  index.add(after);
  return { partial, index };
}
