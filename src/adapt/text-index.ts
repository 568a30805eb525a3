/**
 * An index of a workspace's Python text for the completion cache: where each 6-character string occurs, so
 * the cache can find, in milliseconds, what followed the text before the cursor anywhere in the project
 * (a name defined in another file, a call shape the project repeats).
 *
 * The files are joined with a separator no source contains, and every position's 6-gram hash and the
 * position itself are packed into one float64 key (24-bit hash · 2^23 + position) and sorted, so a lookup
 * is a binary search over a typed array: no per-position objects, ~12 bytes per indexed character with the
 * text itself. Positions fit in 23 bits, so an index holds at most 8 MB of text.
 */

export const SEED = 6;
export const MAX_INDEX_CHARS = (1 << 23) - 1;
const SEP = '\u0000';
const POS = 2 ** 23;

function hash6(s: string, at: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < SEED; i++) h = Math.imul(h ^ s.charCodeAt(at + i), 0x01000193);
  return (h >>> 8) & 0xffffff;
}

export interface IndexedFile {
  /** Key of the file (a path or URI), so a query can leave the file being edited out. */
  key: string;
  text: string;
}

export interface IndexParts {
  text: string;
  keys: Float64Array;
  starts: number[];
  fileKeys: string[];
}

export class TextIndex {
  readonly text: string;
  private readonly keys: Float64Array;
  /** Start offset in `text` of each file, and its key. */
  private readonly starts: number[];
  private readonly fileKeys: string[];

  private constructor(text: string, keys: Float64Array, starts: number[], fileKeys: string[]) {
    this.text = text;
    this.keys = keys;
    this.starts = starts;
    this.fileKeys = fileKeys;
  }

  /** Indexes files in order until `maxChars` characters (files that do not fit whole are left out). */
  static build(files: IndexedFile[], maxChars = MAX_INDEX_CHARS): TextIndex {
    const cap = Math.min(maxChars, MAX_INDEX_CHARS);
    const parts: string[] = [];
    const starts: number[] = [];
    const fileKeys: string[] = [];
    let length = 0;
    for (const f of files) {
      if (length + f.text.length + 1 > cap) continue;
      starts.push(length);
      fileKeys.push(f.key);
      parts.push(f.text);
      length += f.text.length + 1;
    }
    const text = parts.join(SEP) + (parts.length ? SEP : '');
    const n = Math.max(0, text.length - SEED + 1);
    const keys = new Float64Array(n);
    let k = 0;
    let nextSep = text.indexOf(SEP);
    for (let i = 0; i < n; i++) {
      if (nextSep < i) nextSep = text.indexOf(SEP, i);
      // A 6-gram that spans two files is never a useful context.
      if (nextSep < i + SEED) continue;
      keys[k++] = hash6(text, i) * POS + i;
    }
    // Sorted in place (no second copy of the largest array the index holds).
    return new TextIndex(text, keys.subarray(0, k).sort(), starts, fileKeys);
  }

  /** The index as plain data, for postMessage (transfer `keys.buffer`). */
  toParts(): IndexParts {
    return { text: this.text, keys: this.keys, starts: this.starts, fileKeys: this.fileKeys };
  }

  static fromParts(p: IndexParts): TextIndex {
    return new TextIndex(p.text, p.keys, p.starts, p.fileKeys);
  }

  get files(): number {
    return this.fileKeys.length;
  }

  get chars(): number {
    return this.text.length;
  }

  /** Approximate memory held, in bytes (the text at one byte a character, the keys at eight). */
  get bytes(): number {
    return this.text.length + this.keys.byteLength;
  }

  /** The [start, end) range of the file with this key in `text`, if indexed. */
  fileRange(key: string): [number, number] | undefined {
    const i = this.fileKeys.indexOf(key);
    if (i < 0) return undefined;
    const end = i + 1 < this.starts.length ? this.starts[i + 1] - 1 : this.text.length - 1;
    return [this.starts[i], end];
  }

  /**
   * End offsets (just after) of the occurrences of the last SEED characters of `s`, at most `limit` of
   * them (undefined when there are more: a context that common tells the cache nothing the LSTM does not).
   */
  occurrences(s: string, limit: number): number[] | undefined {
    if (s.length < SEED) return [];
    const at = s.length - SEED;
    const h = hash6(s, at);
    const lo = lowerBound(this.keys, h * POS);
    const hi = lowerBound(this.keys, (h + 1) * POS);
    if (hi - lo > limit) return undefined;
    const seed = s.slice(at);
    const ends: number[] = [];
    for (let j = lo; j < hi; j++) {
      const pos = this.keys[j] - h * POS;
      if (this.text.startsWith(seed, pos)) ends.push(pos + SEED);
    }
    return ends;
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
