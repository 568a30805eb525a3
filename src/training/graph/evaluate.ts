/**
 * Evaluation of a checkpoint on text with the LSTM state carried through each file (reset between files):
 * mean cross-entropy (nats and bits per character) and top-1 accuracy of the model alone. The editor's
 * figure with the completion cache mixed in is completion/cache-scoring.ts's.
 */
import { ModelWeights } from '../../model/architecture';
import { LstmStepper } from '../../inference/lstm-stepper';
import { encode } from '../../model/vocab';

export interface EvalResult {
  files: number;
  chars: number;
  nats_per_char: number;
  bits_per_char: number;
  accuracy: number;
}

export function evaluateFiles(weights: ModelWeights, texts: string[], opts: { maxChars?: number; onProgress?: (chars: number) => void } = {}): EvalResult {
  const stepper = new LstmStepper(weights);
  const V = weights.spec.vocabSize;
  const logits = new Float32Array(V);
  let total = 0;
  let correct = 0;
  let chars = 0;
  let files = 0;
  const max = opts.maxChars ?? Infinity;
  for (const text of texts) {
    if (chars >= max) break;
    const ids = encode(text);
    if (ids.length < 2) continue;
    files++;
    stepper.resetState();
    for (let i = 0; i + 1 < ids.length && chars < max; i++) {
      stepper.step(ids[i]);
      stepper.logits(logits);
      let m = -Infinity;
      let arg = 0;
      for (let j = 0; j < V; j++) {
        if (logits[j] > m) {
          m = logits[j];
          arg = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(logits[j] - m);
      total += Math.log(sum) + m - logits[ids[i + 1]];
      if (arg === ids[i + 1]) correct++;
      chars++;
      if (opts.onProgress && chars % 100_000 === 0) opts.onProgress(chars);
    }
  }
  const nats = chars ? total / chars : NaN;
  return { files, chars, nats_per_char: nats, bits_per_char: nats / Math.LN2, accuracy: chars ? correct / chars : NaN };
}
