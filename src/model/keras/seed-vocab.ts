/**
 * The seed's vocabulary and ours. The seed (the Keras script this project grew from) keeps only ASCII letters, digits,
 * punctuation, space, tab and newline from its text, and numbers the characters present as `sorted(set(text))`: at most
 * 97, in code-point order, and the embedding's first dimension says how many there were. Ours is fixed: tab, newline,
 * printable ASCII and an unknown symbol, so every character the seed can know has a place in ours.
 */
import { UNKNOWN_SYMBOL, VOCAB_CHARS, charToIndex } from '../vocab';

/** Every character the seed's filter keeps, in its sort order (Python sorts strings by code point). */
export const SEED_ALL_CHARS: readonly string[] = Object.freeze(VOCAB_CHARS.filter((c) => c !== UNKNOWN_SYMBOL));

const KEPT = new Set(SEED_ALL_CHARS);

/** The seed's vocabulary from a table of which ASCII codes its text held (present[code] = 1). */
export function seedVocabFromBytes(present: Uint8Array): string[] {
  return SEED_ALL_CHARS.filter((c) => present[c.charCodeAt(0)]);
}

/**
 * A vocabulary given on the command line, in the seed's index order: the characters themselves, with `\t`, `\n` and
 * `\\` for tab, newline and backslash (as Python prints them).
 */
export function parseVocabArg(arg: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < arg.length; i++) {
    let ch = arg[i];
    if (ch === '\\' && i + 1 < arg.length && 'tn\\'.includes(arg[i + 1])) {
      ch = { t: '\t', n: '\n', '\\': '\\' }[arg[++i]] as string;
    }
    chars.push(ch);
  }
  return checkVocab(chars);
}

/** A vocabulary the seed could have made: characters it keeps, each once. */
export function checkVocab(chars: string[]): string[] {
  const bad = chars.filter((c) => !KEPT.has(c));
  if (bad.length) throw new Error(`the vocabulary holds ${bad.length} character(s) the seed never keeps: ${JSON.stringify(bad.slice(0, 5).join(''))}`);
  if (new Set(chars).size !== chars.length) throw new Error('the vocabulary names a character twice');
  return chars;
}

/**
 * The vocabulary for an embedding of `rows` characters: `given` when the user named one (it must have that many),
 * else all 97 when the embedding has 97 rows (the seed trained on text holding every kept character); otherwise it
 * cannot be known from the file.
 */
export function resolveSeedVocab(rows: number, given: string[] | undefined): string[] {
  if (given) {
    if (given.length !== rows) throw new Error(`the vocabulary has ${given.length} characters; the model's embedding has ${rows} rows`);
    return given;
  }
  if (rows === SEED_ALL_CHARS.length) return [...SEED_ALL_CHARS];
  throw new Error(
    `the model knows ${rows} characters, fewer than the seed's 97, so which ones cannot be read from the file: give the text it was trained on ` +
      `(--vocab-from data.txt) or its vocabulary (--vocab CHARS, as the seed prints ''.join(vocab))`,
  );
}

/** For each of our indices, the seed's index of the same character, or -1 where the seed never had it. */
export function seedIndexForOurs(seedChars: string[]): Int32Array {
  const out = new Int32Array(VOCAB_CHARS.length).fill(-1);
  seedChars.forEach((ch, s) => {
    out[charToIndex(ch)] = s;
  });
  return out;
}
