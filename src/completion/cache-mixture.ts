/**
 * How much to trust the completion cache (document-cache.ts) against the LSTM at one position: the
 * next-character distribution is the mixture
 *   p(c) = (1 − λ) · p_lstm(c) + λ · count(c) / n
 * whose weight λ depends on what the cache and the LSTM each know here (Hellendoorn & Devanbu's dynamic
 * mixing, FSE 2017), through a logistic gate over a few features:
 *   λ = σ(θ · x),  x = [1, ln L, ln(1+n), top/n, [one continuation], ln p_lstm(top), ln max p_lstm,
 *                       [match in the document], ln L · ln(1+n), [whole name], [whole name] · ln(1+m)]
 * with L the matched context's length, n its occurrences, top the count of its most frequent continuation,
 * m the length of the name being typed and [whole name] = 1 when the match covers all of it (m >= 3, L >= m):
 * a name known elsewhere in the project is continued as it was there, even where the LSTM, which never saw
 * it, expects something else. A long match seen several times with one continuation earns a high weight; a
 * short or ambiguous one, little.
 * θ was fitted for nats/char on the tuning packages (python3-attr, python3-markdown), on the document and the
 * workspace cache's predictions together, by `node dist/bench/document-cache.js --data ... --fit` — never on
 * the packages docs/completion-quality.md reports.
 */
import type { CachePrediction } from './document-cache';
import { charToIndex, UNKNOWN_INDEX } from '../model/vocab';

export const GATE_FEATURES = [
  'bias',
  'ln order',
  'ln(1+occurrences)',
  'top share',
  'one continuation',
  'ln p_lstm(top)',
  'ln max p_lstm',
  'in document',
  'ln order × ln(1+occurrences)',
  'whole name',
  'whole name × ln(1+name length)',
] as const;

/**
 * Fitted on 400,000 characters of the tuning packages (see the module comment) with the bundled model of 2026-12-04
 * and matches of up to 128 characters (document-cache.ts): the workspace cache's mixture 0.7223 nats/char against
 * 1.0289 for the LSTM alone and 0.7774 for a fixed 50/50 mixture (the gate fitted with 32-character matches: 0.7264).
 */
export const GATE_WEIGHTS: readonly number[] = [-5.728, 0.916, 0.404, 1.512, 1.116, 0.294, -0.345, 0.908, 0.078, 1.335, -0.145];

const FLOOR = 1e-9;

/** The gate's inputs for one prediction, given the LSTM's probability of the cache's first choice and its largest. */
export function gateFeatures(pred: CachePrediction, pLstmTop: number, pLstmMax: number): number[] {
  const lnOrder = Math.log(pred.order);
  const lnCount = Math.log1p(pred.total);
  const wholeName = pred.name >= 3 && pred.order >= pred.name ? 1 : 0;
  return [
    1,
    lnOrder,
    lnCount,
    pred.topCount / pred.total,
    pred.counts.size === 1 ? 1 : 0,
    Math.log(Math.max(pLstmTop, FLOOR)),
    Math.log(Math.max(pLstmMax, FLOOR)),
    pred.fromDocument ? 1 : 0,
    lnOrder * lnCount,
    wholeName,
    wholeName * Math.log1p(pred.name),
  ];
}

export function gate(x: readonly number[], theta: readonly number[] = GATE_WEIGHTS): number {
  let z = 0;
  for (let i = 0; i < x.length; i++) z += theta[i] * x[i];
  return 1 / (1 + Math.exp(-z));
}

/** A character's vocabulary index (-1 for characters outside the vocabulary). */
export function vocabIndexOf(ch: string): number {
  const i = charToIndex(ch);
  return i === UNKNOWN_INDEX ? -1 : i;
}

/** The cache's weight at a position whose LSTM distribution is `probs` (indexed by the vocabulary). */
export function mixtureWeight(
  pred: CachePrediction | undefined,
  probs: ArrayLike<number>,
  indexOf: (ch: string) => number = vocabIndexOf,
  theta: readonly number[] = GATE_WEIGHTS,
): number {
  if (!pred || !pred.total) return 0;
  const top = indexOf(pred.top);
  let max = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > max) max = probs[i];
  return gate(gateFeatures(pred, top >= 0 ? probs[top] : 0, max), theta);
}

/** Mixes the cache's prediction into next-character probabilities indexed by the vocabulary, in place; returns λ. */
export function mixInto(probs: Float64Array, pred: CachePrediction | undefined, indexOf: (ch: string) => number = vocabIndexOf): number {
  const w = mixtureWeight(pred, probs, indexOf);
  if (!pred || w <= 0) return 0;
  for (let i = 0; i < probs.length; i++) probs[i] *= 1 - w;
  for (const [ch, n] of pred.counts) {
    const i = indexOf(ch);
    if (i >= 0) probs[i] += (w * n) / pred.total;
  }
  return w;
}
