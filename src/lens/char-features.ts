/**
 * What a Python reader knows after each character: the per-character labels the cell study correlates the
 * LSTM's state with. Each value is the one that holds once the character has been read (the state the LSTM
 * has after stepping it), so a cell that "tracks" a feature can only use the text up to there; the distance to
 * the line end is the one label that looks ahead (Karpathy et al.'s line-length cell counts down to it).
 */
import { isNameChar } from '../python/names';

export const CHAR_FEATURES = ['in-string', 'in-comment', 'bracket-depth', 'indent', 'column', 'in-def-signature', 'to-line-end'] as const;
export type CharFeature = (typeof CHAR_FEATURES)[number];

export const FEATURE_DESCRIPTIONS: Readonly<Record<CharFeature, string>> = {
  'in-string': 'inside a string literal (1) or not (0), the quotes included',
  'in-comment': 'inside a comment, from # to the line end',
  'bracket-depth': 'open brackets in code (strings and comments left out)',
  indent: "the line's indentation so far, in columns",
  column: 'characters read on this line',
  'in-def-signature': 'between a def and the colon that ends its signature',
  'to-line-end': 'characters left before the end of the line',
};

export type FeatureTable = Record<CharFeature, Float32Array>;

/** The features of every character of `text`, one array per feature, indexed like the text. */
export function charFeatures(text: string): FeatureTable {
  const n = text.length;
  const out = Object.fromEntries(CHAR_FEATURES.map((f) => [f, new Float32Array(n)])) as FeatureTable;
  let quote: string | null = null;
  let escaped = false;
  let comment = false;
  let depth = 0;
  let column = 0;
  let indent = 0;
  let leading = true;
  let defDepth = -1; // bracket depth of the open def signature, -1 when none
  let openEnd = -1; // where the open string's opening quote(s) end
  for (let i = 0; i < n; i++) {
    const c = text[i];
    let inString = quote !== null;
    if (c === '\n') {
      comment = false;
      escaped = false;
      if (quote !== null && quote.length === 1) quote = null; // an unterminated one-line string ends here
      if (defDepth >= 0 && depth <= defDepth) defDepth = -1;
      inString = quote !== null;
      column = 0;
      indent = 0;
      leading = true;
    } else {
      column++;
      if (leading && (c === ' ' || c === '\t')) indent += c === '\t' ? 8 - (indent % 8) : 1;
      else leading = false;
      if (comment) {
        // stays a comment to the line end
      } else if (quote !== null) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (quote.length === 1 ? c === quote : i - 2 > openEnd && text.slice(i - 2, i + 1) === quote) quote = null; // the closing quote still counts as inside
        inString = true;
      } else if (c === '#') comment = true;
      else if (c === '"' || c === "'") {
        quote = text.startsWith(c + c + c, i) ? c + c + c : c;
        openEnd = i + quote.length - 1;
        inString = true;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
      else if (c === 'f' && text.startsWith('def', i - 2) && !isNameChar(text[i - 3]) && /\s/.test(text[i + 1] ?? '')) defDepth = depth;
      else if (c === ':' && depth === defDepth) defDepth = -1;
    }
    out['in-string'][i] = inString ? 1 : 0;
    fill(out, i, { depth, column, indent, comment, defDepth });
  }
  // Distance to the line end: a backward pass.
  let next = n;
  for (let i = n - 1; i >= 0; i--) {
    out['to-line-end'][i] = next - i - 1;
    if (text[i] === '\n') next = i;
  }
  return out;
}

function fill(out: FeatureTable, i: number, s: { depth: number; column: number; indent: number; comment: boolean; defDepth: number }): void {
  out['in-comment'][i] = s.comment ? 1 : 0;
  out['bracket-depth'][i] = s.depth;
  out.indent[i] = s.indent;
  out.column[i] = s.column;
  out['in-def-signature'][i] = s.defDepth >= 0 ? 1 : 0;
}
