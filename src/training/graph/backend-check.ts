/**
 * Runs a few Adam steps of the training loop's pieces on whatever backend is active, so backends (and the
 * host and device residencies) can be compared from the same weights: used by the tests and by
 * bench/webgpu-check.ts on a real GPU.
 */
import { makeSpec, ModelWeights } from '../../model/architecture';
import { initWeights } from '../../model/initializers';
import { TrainableModel, Residency } from './train-graph';
import { createAdam, applyClipped } from './optimizer-state';
import { LstmState } from '../ops/lstm-op';
import { mulberry32 } from '../../util/rng';

/** A small model for quick comparisons. */
export const SMALL = makeSpec({ embeddingDim: 8, lstmUnits: [16, 12], dropout: 0.1 });

export function randomBatch(steps: number, batch: number, vocab: number, seed: number): { inputs: Int32Array; targets: Int32Array } {
  const rng = mulberry32(seed);
  const inputs = new Int32Array(steps * batch).map(() => Math.floor(rng() * vocab));
  const targets = new Int32Array(steps * batch).map(() => Math.floor(rng() * vocab));
  return { inputs, targets };
}

export interface StepsResult {
  losses: number[];
  accuracies: number[];
  weights: ModelWeights;
  states: (LstmState | undefined)[];
}

/** `steps` Adam steps with carried state and dropout, the way trainer.ts runs them. */
export async function adamSteps(residency: Residency, steps: number, weights = initWeights(SMALL, 3), T = 7, B = 4): Promise<StepsResult> {
  const model = new TrainableModel(weights, 9, residency);
  const opt = createAdam(0.01);
  const states: (LstmState | undefined)[] = [];
  const losses: number[] = [];
  const accuracies: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { inputs, targets } = randomBatch(T, B, weights.spec.vocabSize, 100); // the same batch: the loss must fall
    const { grads, result } = model.gradients(inputs, targets, T, B, { training: true, states });
    applyClipped(opt, grads, 1);
    await result.finish();
    losses.push(result.stats.crossEntropy);
    accuracies.push(result.stats.accuracy);
  }
  const out = await model.readWeights();
  model.dispose();
  opt.dispose();
  return { losses, accuracies, weights: out, states };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
}
