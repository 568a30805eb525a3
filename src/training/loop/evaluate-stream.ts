/** The validation measure of a run: mean cross-entropy and accuracy over an encoded stream. */
import * as tf from '@tensorflow/tfjs-core';
import { CachePrior, planBatches, TrainingMode } from '../../data/dataset';
import { TrainableModel, LossResult } from '../graph/train-graph';
import { LstmState } from '../ops/lstm-op';

/**
 * Mean cross-entropy and accuracy over a stream, state carried within each of B streams when asked. With a cache
 * prior over the stream (a cache-aware run) the loss is the served mixture's, the measure that run minimises.
 */
export async function evaluateStream(
  model: TrainableModel,
  stream: Uint8Array,
  mode: TrainingMode,
  batchSize: number,
  seqLen: number,
  maxChars?: number,
  prior?: CachePrior,
): Promise<{ loss: number; accuracy: number; chars: number }> {
  if (stream.length < seqLen + 1) return { loss: NaN, accuracy: NaN, chars: 0 };
  const limited = maxChars && stream.length > maxChars + 1 ? stream.subarray(0, maxChars + 1) : stream;
  const plan = planBatches(limited, mode, batchSize, seqLen, 1, prior);
  let total = 0;
  let correct = 0;
  let chars = 0;
  let states: (LstmState | undefined)[] | undefined = mode === 'carried-state' ? [] : undefined;
  for (let i = 0; i < plan.batchesPerEpoch; i++) {
    const b = plan.batch(0, i);
    if (b.resetState && states) states = [];
    let r: LossResult | undefined;
    tf.tidy(() => {
      r = model.loss(b.inputs, b.targets, b.steps, b.batch, { training: false, states, prior: b.prior });
    });
    if (!r) continue;
    await r.finish();
    total += (r.stats.mixture ?? r.stats.crossEntropy) * r.stats.chars;
    correct += r.stats.accuracy * r.stats.chars;
    chars += r.stats.chars;
  }
  return { loss: total / chars, accuracy: correct / chars, chars };
}
