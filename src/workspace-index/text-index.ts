/**
 * An index of a workspace's Python text for the completion cache: where each 6-character string occurs, so
 * the cache can find, in milliseconds, what followed the text before the cursor anywhere in the project
 * (a name defined in another file, a call shape the project repeats).
 *
 * The files are joined with a separator no source contains, and every position is filed under a hash of
 * the 6 characters starting there, by a counting sort: `offsets[h]..offsets[h+1]` are the slots in
 * `positions` of the positions whose hash is h, in text order. A lookup is two array reads and a check of
 * each candidate against the text (different strings can share a hash), and the index costs ~4.5 bytes a
 * character besides the text itself (one byte a character): a 20 MB workspace fits in ~120 MB, built in seconds off the editor's
 * thread.
 */

export const SEED = 6;
/** Positions are 32-bit. */
export const MAX_INDEX_CHARS = 2 ** 32 - 1;
/**
 * Joins texts in an index and in the document cache's corpus: never in source text (the vocabulary maps it to the
 * unknown symbol), so no match runs from one text into the next.
 */
export const TEXT_SEPARATOR = '\u0000';
const SEP = TEXT_SEPARATOR;
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/g;

/** Hash bits for n positions: about eight positions a bucket, between 2^10 and 2^22 buckets. */
function hashBits(n: number): number {
  return Math.min(22, Math.max(10, Math.ceil(Math.log2(Math.max(1, n / 8)))));
}

/**
 * The index's arrays live in shared memory: the index worker builds them, and the extension host and the
 * completion worker read the same bytes (posting an index copies only its text).
 */
function sharedUint32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(n * 4));
}

function hash6(s: string, at: number, shift: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < SEED; i++) h = Math.imul(h ^ s.charCodeAt(at + i), 0x01000193);
  return h >>> shift;
}

export interface IndexedFile {
  /** Key of the file (a path or URI), so a query can leave the file being edited out. */
  key: string;
  text: string;
}

export interface IndexParts {
  text: string;
  positions: Uint32Array;
  offsets: Uint32Array;
  bits: number;
  starts: number[];
  fileKeys: string[];
}

export class TextIndex {
  readonly text: string;
  private readonly positions: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly shift: number;
  private readonly bits: number;
  /** Start offset in `text` of each file, and its key. */
  private readonly starts: number[];
  private readonly fileKeys: string[];

  private constructor(p: IndexParts) {
    this.text = p.text;
    this.positions = p.positions;
    this.offsets = p.offsets;
    this.bits = p.bits;
    this.shift = 32 - p.bits;
    this.starts = p.starts;
    this.fileKeys = p.fileKeys;
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
      // Characters beyond Latin-1 (outside the model's vocabulary anyway) become one placeholder, so V8 keeps
      // the joined text at one byte a character rather than two.
      parts.push(f.text.replace(BEYOND_LATIN1, '\u001a'));
      length += f.text.length + 1;
    }
    const text = parts.join(SEP) + (parts.length ? SEP : '');
    const n = Math.max(0, text.length - SEED + 1);
    const bits = hashBits(n);
    const shift = 32 - bits;
    // Counting sort in two passes over the text (hashing twice costs less than a hash per position held).
    // A 6-gram that spans two files is never a useful context, so it is not filed.
    const offsets = sharedUint32((1 << bits) + 1);
    const each = (visit: (h: number, i: number) => void) => {
      let nextSep = text.indexOf(SEP);
      for (let i = 0; i < n; i++) {
        if (nextSep < i) nextSep = text.indexOf(SEP, i);
        if (nextSep >= 0 && nextSep < i + SEED) continue;
        visit(hash6(text, i, shift), i);
      }
    };
    each((h) => offsets[h + 1]++);
    for (let h = 1; h < offsets.length; h++) offsets[h] += offsets[h - 1];
    const positions = sharedUint32(offsets[offsets.length - 1]);
    const fill = offsets.slice(0, -1);
    each((h, i) => {
      positions[fill[h]++] = i;
    });
    return new TextIndex({ text, positions, offsets, bits, starts, fileKeys });
  }

  /** The index as plain data, for postMessage: its arrays live in SharedArrayBuffers, so only the text is copied. */
  toParts(): IndexParts {
    return { text: this.text, positions: this.positions, offsets: this.offsets, bits: this.bits, starts: this.starts, fileKeys: this.fileKeys };
  }

  static fromParts(p: IndexParts): TextIndex {
    return new TextIndex(p);
  }

  get files(): number {
    return this.fileKeys.length;
  }

  get chars(): number {
    return this.text.length;
  }

  /** Approximate memory held, in bytes (the text at one byte a character: it holds Latin-1 only). */
  get bytes(): number {
    return this.text.length + this.positions.byteLength + this.offsets.byteLength;
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
    const h = hash6(s, at, this.shift);
    const lo = this.offsets[h];
    const hi = this.offsets[h + 1];
    if (hi - lo > limit) return undefined;
    const seed = s.slice(at);
    const ends: number[] = [];
    for (let j = lo; j < hi; j++) {
      const pos = this.positions[j];
      if (this.text.startsWith(seed, pos)) ends.push(pos + SEED);
    }
    return ends;
  }
}
