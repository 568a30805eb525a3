/**
 * What the document itself says comes next: a match model over the document's text. Code repeats itself
 * (names, call shapes, whole lines), and a model trained on other code cannot know a project's own
 * repetitions. For the text before the cursor (plus what a completion has generated so far), the cache
 * finds the longest suffix, of at least `minOrder` characters, that also occurs earlier in the document or
 * after the cursor (or in the workspace's other files), and counts the characters that followed it there.
 * How much that prediction weighs against the LSTM's is cache-mixture.ts's job.
 * No tables are built: each prediction is a few string searches over a bounded text, so a request stays
 * within a millisecond or two.
 */
import { SEED, TextIndex, TEXT_SEPARATOR } from '../workspace-index/text-index';
import { isNameChar } from '../python/names';

export interface CacheOptions {
  /** Shortest context that counts as a match. */
  minOrder: number;
  /** Longest context compared (longer matches predict no better and cost more). */
  maxOrder: number;
}

/** The project's other text, searched as well (see src/workspace-index/text-index.ts). */
export interface WorkspaceSource {
  index: TextIndex;
  /** The file being edited, left out of the index's matches (its text is the document's). */
  exclude?: string;
}

/** Occurrences of a 6-character context in the workspace index beyond this are not examined. */
const WORKSPACE_OCCURRENCE_LIMIT = 4000;

/**
 * 128 characters compared, not 32 (2026-12-07): where the text repeats a line or a block, the match's length keeps
 * growing past 32 as the copy goes on, and the gate (cache-mixture.ts, refitted with it) trusts a 100-character
 * match more than a 32-character one. Nats/char with the workspace cache on the tuning packages 0.7264 → 0.7223,
 * and the share of shown suggestions accepted rose 2-3 points (docs/completion-quality.md); 512 gave no more.
 */
export const DEFAULT_CACHE_OPTIONS: CacheOptions = { minOrder: 3, maxOrder: 128 };

export interface CachePrediction {
  /** Next characters seen after the matched context, with their counts. */
  counts: Map<string, number>;
  total: number;
  /** Length of the matched context. */
  order: number;
  /** The most frequent next character and its count. */
  top: string;
  topCount: number;
  /** Length of the name (identifier characters) the context ends in; 0 after any other character. */
  name: number;
  /** Whether the document itself (not only the workspace's other files) had the longest match. */
  fromDocument: boolean;
}

interface Match {
  /** The text the offsets point into. */
  text: string;
  /** Offsets of the character after each occurrence. */
  ends: number[];
  order: number;
}

/** Keeps the occurrences whose preceding characters match the context further back, as far as any do. */
function narrow(text: string, ends: number[], context: string, order: number): Match {
  while (order < context.length) {
    const c = context[context.length - order - 1];
    const longer = ends.filter((e) => e - order - 1 >= 0 && text[e - order - 1] === c);
    if (!longer.length) break;
    ends = longer;
    order++;
  }
  return { text, ends, order };
}

/** The index's separator (it must be the same: matches are looked up in both), so no match runs from the text before the cursor into the text after it. */
const SEP = TEXT_SEPARATOR;

export class DocumentCache {
  private readonly corpus: string;
  /** Matches must end before this index in the corpus (the cursor), or after it in the text after. */
  private readonly cursor: number;
  /** The edited file's range in the workspace index, whose matches do not count. */
  private readonly excluded?: [number, number];

  /**
   * @param before text before the cursor (bounded by the caller)
   * @param after text after the cursor (bounded by the caller)
   */
  constructor(
    before: string,
    after: string,
    readonly opts: CacheOptions = DEFAULT_CACHE_OPTIONS,
    private readonly workspace?: WorkspaceSource,
  ) {
    this.corpus = before + SEP + after;
    this.cursor = before.length;
    if (workspace?.exclude) this.excluded = workspace.index.fileRange(workspace.exclude);
  }

  /**
   * The prediction after `before + generated` (generated: what the completion has added so far; it is
   * part of the context but not of the searched text, whose only source is the document).
   */
  predict(generated: string): CachePrediction | undefined {
    const { minOrder, maxOrder } = this.opts;
    const context =
      generated.length >= maxOrder
        ? generated.slice(-maxOrder)
        : this.corpus.slice(Math.max(0, this.cursor - (maxOrder - generated.length)), this.cursor) + generated;
    if (context.length < minOrder) return undefined;
    const doc = this.documentMatch(context);
    const ws = this.workspaceMatch(context);
    // The longer match predicts; at the same length both sources count.
    const use: Match[] = [doc, ws].filter((m): m is Match => !!m && m.ends.length > 0);
    if (!use.length) return undefined;
    const order = Math.max(...use.map((m) => m.order));
    const counts = new Map<string, number>();
    let total = 0;
    let fromDocument = false;
    for (const m of use) {
      if (m.order !== order) continue;
      for (const e of m.ends) counts.set(m.text[e], (counts.get(m.text[e]) ?? 0) + 1);
      total += m.ends.length;
      if (m === doc) fromDocument = true;
    }
    let top = '';
    let topCount = 0;
    for (const [ch, n] of counts) {
      if (n > topCount) {
        top = ch;
        topCount = n;
      }
    }
    return { counts, total, order, top, topCount, fromDocument, name: trailingNameLength(context) };
  }

  /** The longest match of the context in the document (before and after the cursor). */
  private documentMatch(context: string): Match | undefined {
    // Occurrences of a suffix (a long one first: a short one, such as indentation, can occur thousands of
    // times), then narrowed while a longer suffix still matches.
    for (const len of [12, 6, this.opts.minOrder]) {
      if (len > context.length || len < this.opts.minOrder) continue;
      const ends = this.occurrences(context.slice(-len));
      if (ends.length) return narrow(this.corpus, ends, context, len);
    }
    return undefined;
  }

  /** The longest match of the context in the workspace's other files. */
  private workspaceMatch(context: string): Match | undefined {
    if (!this.workspace || context.length < SEED) return undefined;
    const found = this.workspace.index.occurrences(context, WORKSPACE_OCCURRENCE_LIMIT);
    const x = this.excluded;
    const ends = found?.filter((e) => (!x || e < x[0] || e >= x[1]) && this.workspace!.index.text[e] !== SEP);
    return ends?.length ? narrow(this.workspace.index.text, ends, context, SEED) : undefined;
  }

  /** Where the characters after each occurrence of `s` are (not the cursor's own context, nor the separator). */
  private occurrences(s: string): number[] {
    const ends: number[] = [];
    for (let i = this.corpus.indexOf(s); i >= 0; i = this.corpus.indexOf(s, i + 1)) {
      const end = i + s.length;
      if (end === this.cursor || end >= this.corpus.length || this.corpus[end] === SEP) continue;
      ends.push(end);
    }
    return ends;
  }
}

/** How many identifier characters ([A-Za-z0-9_]) end `s`. */
export function trailingNameLength(s: string): number {
  let i = s.length;
  while (i > 0 && isNameChar(s[i - 1])) i--;
  return s.length - i;
}
