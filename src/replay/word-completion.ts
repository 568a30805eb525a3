/**
 * The baseline every replay reports beside the model: VS Code's word-based suggestions with no extension
 * installed, reduced to the one that matters for a Tab user — the most frequent word of the document that
 * extends the partial identifier before the cursor (ties: the one seen last). Words are counted over the
 * text the index has been shown, so in a typing replay only words earlier in the document are offered.
 */

import { partialIdentifier, WordIndex, wordsAroundCursor } from '../completion/document-words';

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
  const { partial, index } = wordsAroundCursor(prefix, after);
  return partial ? index.suggest(partial)?.slice(partial.length) : undefined;
}
