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

  /** Counts every whole word of `text` (each call adds; pass text in document order), `weight` each. */
  add(text: string, weight = 1): void {
    for (const m of text.matchAll(NAME_RE)) {
      const e = this.words.get(m[0]);
      this.seen++;
      if (e) {
        e.count += weight;
        e.lastSeen = this.seen;
      } else this.words.set(m[0], { count: weight, lastSeen: this.seen });
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
 * How much more a use inside the function around the cursor counts among the engine's word candidates (each such use
 * counts 1 + this): a function's parameters and locals are the names it goes on typing (`return t` meant the
 * parameter `tag`, not the document's `text`). 2 was chosen on the tuning packages (attr, markdown; 30,000 typed
 * characters, 2026-12-08): realistic user +0.24 and +0.25 points (seeds 1 and 2) at the same accepted share; 3 and 5
 * saved a little more but lowered the accepted share. VS Code's word completion (the replay's baseline) has no such
 * weight.
 */
export const SCOPE_EXTRA_WEIGHT = 2;

/**
 * The name being typed at the end of `before` and the index of every other name of the document around the
 * cursor (the text before it, less that name, and `after`); uses inside the function around the cursor count
 * `scopeWeight` more each. Where no name is being typed there is nothing to complete and the index stays empty:
 * the engine asks at every keystroke, and reading the document's words there would be wasted.
 */
export function wordsAroundCursor(before: string, after: string, scopeWeight = 0): { partial: string; index: WordIndex } {
  const partial = partialIdentifier(before);
  const index = new WordIndex();
  if (!partial) return { partial, index };
  const upTo = before.length - partial.length;
  index.add(before.slice(0, upTo));
  index.add(after);
  if (scopeWeight > 0) index.add(before.slice(scopeStart(before, upTo), upTo), scopeWeight);
  return { partial, index };
}

/**
 * Where the function around offset `at` of `text` starts: the line of the innermost `def` less indented than the
 * cursor's line, found by walking up the lines that are less indented than all below them; `at` (no scope) when the
 * walk reaches a top-level line that is not a `def`.
 */
export function scopeStart(text: string, at: number): number {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let indent = /^[ \t]*/.exec(text.slice(lineStart, at))![0].length;
  for (let end = lineStart - 1; end > 0 && indent > 0;) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    const own = /^[ \t]*/.exec(line)![0].length;
    if (line.trim() && !line.trimStart().startsWith('#') && own < indent) {
      if (/^[ \t]*(async\s+)?def\s/.test(line)) return start;
      indent = own;
    }
    end = start - 1;
  }
  return at;
}
