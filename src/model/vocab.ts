/**
 * The fixed character vocabulary shared by every checkpoint: tab, newline, printable ASCII and one
 * unknown symbol. Because it never depends on the corpus, any checkpoint can be fine-tuned on any workspace.
 */

export const UNKNOWN_SYMBOL = '\u0000';

function buildChars(): string[] {
  const chars = ['\t', '\n'];
  for (let c = 32; c <= 126; c++) chars.push(String.fromCharCode(c));
  chars.push(UNKNOWN_SYMBOL);
  return chars;
}

/** Index -> character; the last entry is the unknown symbol. */
export const VOCAB_CHARS: readonly string[] = Object.freeze(buildChars());
export const VOCAB_SIZE = VOCAB_CHARS.length;
export const UNKNOWN_INDEX = VOCAB_SIZE - 1;

const CODE_TO_INDEX = new Int16Array(128).fill(UNKNOWN_INDEX);
VOCAB_CHARS.forEach((ch, i) => {
  if (ch !== UNKNOWN_SYMBOL) CODE_TO_INDEX[ch.charCodeAt(0)] = i;
});

/** CRLF and lone CR become LF, the only line ending the model knows. */
export function normalizeText(text: string): string {
  return text.indexOf('\r') < 0 ? text : text.replace(/\r\n?/g, '\n');
}

export function charToIndex(ch: string): number {
  const code = ch.charCodeAt(0);
  return code < 128 ? CODE_TO_INDEX[code] : UNKNOWN_INDEX;
}

/** Encodes already-normalised text; every character outside the vocabulary maps to the unknown index. */
export function encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[i] = code < 128 ? CODE_TO_INDEX[code] : UNKNOWN_INDEX;
  }
  return out;
}

export function decode(indices: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < indices.length; i++) s += indexToChar(indices[i]);
  return s;
}

export function indexToChar(index: number): string {
  const ch = VOCAB_CHARS[index];
  if (ch === undefined) throw new RangeError(`character index ${index} is outside the vocabulary`);
  return ch;
}

/** The mapping as stored in a checkpoint's meta.json. */
export interface VocabDescriptor {
  chars: string[];
  unknownIndex: number;
}

export function vocabDescriptor(): VocabDescriptor {
  return { chars: [...VOCAB_CHARS], unknownIndex: UNKNOWN_INDEX };
}

/** Returns why a stored vocabulary differs from ours, or undefined when it is the same. */
export function vocabMismatch(stored: unknown): string | undefined {
  const v = stored as Partial<VocabDescriptor> | undefined;
  if (!v || !Array.isArray(v.chars)) return 'it has no vocabulary';
  if (v.chars.length !== VOCAB_SIZE) return `its vocabulary has ${v.chars.length} symbols, expected ${VOCAB_SIZE}`;
  for (let i = 0; i < VOCAB_SIZE; i++) {
    if (v.chars[i] !== VOCAB_CHARS[i]) return `its vocabulary differs at index ${i} (${JSON.stringify(v.chars[i])})`;
  }
  if (v.unknownIndex !== UNKNOWN_INDEX) return `its unknown symbol is at ${v.unknownIndex}, expected ${UNKNOWN_INDEX}`;
  return undefined;
}
