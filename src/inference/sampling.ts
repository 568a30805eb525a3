/** Turning logits into a next character: temperature (0 = greedy), optional top-k, seedable RNG. */
import { Rng } from '../util/rng';

export interface SamplingOptions {
  temperature: number;
  topK?: number;
  /** Indices never produced (e.g. the unknown symbol). */
  exclude?: number[];
}

/** Softmax of logits / temperature (temperature 1 when 0 is given, as probabilities are then for reporting). */
export function softmax(logits: ArrayLike<number>, temperature = 1, out: Float64Array = new Float64Array(logits.length)): Float64Array {
  const t = temperature > 0 ? temperature : 1;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] - max) / t);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < logits.length; i++) out[i] /= sum;
  return out;
}

export function argmax(values: ArrayLike<number>, exclude?: number[]): number {
  let best = -1;
  let bestV = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > bestV && !exclude?.includes(i)) {
      bestV = values[i];
      best = i;
    }
  }
  return best;
}

/** Picks an index: the most likely at temperature 0, else a sample at that temperature (within top-K when given). */
export function sampleIndex(logits: ArrayLike<number>, opts: SamplingOptions, rng: Rng): number {
  if (!(opts.temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${opts.temperature}`);
  if (opts.temperature === 0) return argmax(logits, opts.exclude);
  const p = softmax(logits, opts.temperature);
  for (const i of opts.exclude ?? []) p[i] = 0;
  if (opts.topK && opts.topK > 0 && opts.topK < p.length) {
    const threshold = [...p].sort((a, b) => b - a)[opts.topK - 1];
    let kept = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] < threshold || kept >= opts.topK) p[i] = 0;
      else kept++;
    }
  }
  let total = 0;
  for (let i = 0; i < p.length; i++) total += p[i];
  let r = rng() * total;
  for (let i = 0; i < p.length; i++) {
    r -= p[i];
    if (r < 0 && p[i] > 0) return i;
  }
  return argmax(p);
}
