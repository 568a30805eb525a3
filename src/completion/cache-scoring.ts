/**
 * Scores files character by character as a user typing them would see the completion cache: at each
 * position the LSTM's distribution (its state carried through the file) and the cache's prediction from the
 * text before it (the model's context window) and, for the workspace cache, the other files (never the
 * scored one). `lstm-complete eval --cache` sums the mixture's loss; bench/document-cache.ts studies the
 * cache's weights from the same positions.
 */
import { ModelWeights } from '../model/architecture';
import { LstmStepper } from '../inference/lstm-stepper';
import { argmax, softmax } from '../inference/sampling';
import { encode, normalizeText } from '../model/vocab';
import { CacheOptions, CachePrediction, DEFAULT_CACHE_OPTIONS, DocumentCache } from './document-cache';
import { mixInto, mixtureWeight } from './cache-mixture';
import { TextIndex } from '../workspace-index/text-index';

export interface ScoredFile {
  key: string;
  text: string;
}

export interface Position {
  /** Key of the file being scored. */
  file: string;
  /** The LSTM's probability of the true character. */
  pLstm: number;
  /** The LSTM's whole distribution (valid only during the visit: the buffer is reused). */
  probs: Float64Array;
  /** The true character and its vocabulary index. */
  char: string;
  index: number;
  document?: CachePrediction;
  workspace?: CachePrediction;
}

export interface ScoringOptions {
  /** Which cache predictions to compute for each position (none: the LSTM only). */
  sources: { document?: boolean; workspace?: boolean };
  /** Characters before the position the document cache reads (the completion engine's context window). */
  contextChars: number;
  maxChars?: number;
  /** The cache's match lengths (default the completion engine's). */
  matches?: CacheOptions;
}

/** Calls `visit` for every scored character: all but the first of each file, as eval scores them. */
export function scorePositions(weights: ModelWeights, files: ScoredFile[], opts: ScoringOptions, visit: (p: Position) => void): number {
  const stepper = new LstmStepper(weights);
  const workspace = opts.sources.workspace ? TextIndex.build(files) : undefined;
  const logits = new Float32Array(weights.spec.vocabSize);
  const probs = new Float64Array(weights.spec.vocabSize);
  const max = opts.maxChars ?? Infinity;
  const cache = opts.matches ?? DEFAULT_CACHE_OPTIONS;
  let n = 0;
  for (const f of files) {
    if (n >= max) break;
    const text = normalizeText(f.text);
    const codes = encode(text);
    if (codes.length < 2) continue;
    stepper.resetState();
    // As eval does: the first character is read, each later one predicted from the text before it.
    for (let i = 1; i < codes.length && n < max; i++) {
      stepper.step(codes[i - 1]);
      const p = softmax(stepper.logits(logits), 1, probs);
      const before = text.slice(Math.max(0, i - opts.contextChars), i);
      visit({
        file: f.key,
        pLstm: p[codes[i]],
        probs: p,
        char: text[i],
        index: codes[i],
        document: opts.sources.document ? new DocumentCache(before, '', cache).predict('') : undefined,
        workspace: workspace ? new DocumentCache(before, '', cache, { index: workspace, exclude: f.key }).predict('') : undefined,
      });
      n++;
    }
  }
  return n;
}

/** The mixture's probability of the true character: (1 − λ)·p_lstm + λ·count/n, λ = `weight` or the gate's. */
export function mixedProbability(p: Position, prediction: CachePrediction | undefined, weight = mixtureWeight(prediction, p.probs)): number {
  if (!prediction || !prediction.total) return p.pLstm;
  return (1 - weight) * p.pLstm + (weight * (prediction.counts.get(p.char) ?? 0)) / prediction.total;
}

/** What `lstm-complete eval` reports, with or without the cache. */
export interface CacheEvaluation {
  files: number;
  chars: number;
  nats_per_char: number;
  bits_per_char: number;
  /** Share of characters the mixture's most likely prediction gets right. */
  accuracy: number;
}

/**
 * Loss and accuracy of the LSTM, alone (cache 'none': the model's own figure, its state carried through each
 * file and reset between files) or mixed with the chosen cache as the ghost text mixes it; files read left to
 * right, every character but each file's first predicted from the text before it. The one evaluator of
 * `lstm-complete eval`.
 */
export function evaluateWithCache(
  weights: ModelWeights,
  files: ScoredFile[],
  opts: { cache: 'none' | 'document' | 'workspace'; contextChars: number; maxChars?: number; onProgress?: (chars: number) => void },
): CacheEvaluation {
  let nats = 0;
  let right = 0;
  const mixed = new Float64Array(weights.spec.vocabSize);
  const scored = new Set<string>();
  let seen = 0;
  // Only the prediction the mixture uses is computed (the workspace one covers the document too).
  const sources = { document: opts.cache === 'document', workspace: opts.cache === 'workspace' };
  const chars = scorePositions(weights, files, { ...opts, sources }, (p) => {
    scored.add(p.file);
    const prediction = opts.cache === 'workspace' ? p.workspace : opts.cache === 'document' ? p.document : undefined;
    nats -= Math.log(mixedProbability(p, prediction));
    mixed.set(p.probs);
    mixInto(mixed, prediction);
    if (argmax(mixed) === p.index) right++;
    if (opts.onProgress && ++seen % 100_000 === 0) opts.onProgress(seen);
  });
  const npc = chars ? nats / chars : NaN;
  return { files: scored.size, chars, nats_per_char: npc, bits_per_char: npc / Math.LN2, accuracy: chars ? right / chars : NaN };
}
