/**
 * The design's model as trainable tfjs variables with a forward pass built for training speed on every
 * backend: custom-gradient embedding (wasm has no UnsortedSegmentSum gradient), the LSTM op, dropout,
 * a dense layer whose gradient matmuls use explicit transposes, and a fused softmax cross-entropy.
 *
 * Two residencies: 'host' (CPU backends) runs the gate maths, the embedding gradient and the loss in JS;
 * 'device' (GPU backends) keeps every value on the device and reads the loss, accuracy and carried state
 * once per batch, asynchronously (LossResult.finish).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../ops/custom-op';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { ModelSpec, ModelWeights, weightEntries, weightList, weightsFromList } from '../../model/architecture';
import { lstmSequence, LstmState } from '../ops/lstm-op';
import { lstmSequenceDevice, dropoutMask } from '../ops/lstm-op-device';
import { mulberry32, SkippableRng } from '../../util/rng';
import { dropoutMaskWebGpu } from '../ops/lstm-webgpu-sequence';
import type { CachePrior } from '../../data/dataset';

let instanceCounter = 0;

export interface LossResult {
  /** Scalar: mean cross-entropy (nats/char) plus the dense L2 penalty. */
  loss: tf.Scalar;
  /** Filled once the forward pass ran: mean cross-entropy without the penalty, and top-1 accuracy. */
  stats: { crossEntropy: number; accuracy: number; chars: number; mixture?: number };
  /**
   * Completes stats (and the carried states) once the backend has run the batch; call it after the
   * optimizer step, outside tf.tidy. Immediate for the host residency.
   */
  finish(): Promise<void>;
}

export type Residency = 'host' | 'device';

export interface ForwardOptions {
  training: boolean;
  /** Per-layer state before the batch (carried-state mode); replaced by the state after it. */
  states?: (LstmState | undefined)[];
  chunk?: number;
  /** The cache's prior for each target (cache-aware fine-tuning: softmaxCrossEntropy's mixture loss). */
  prior?: CachePrior;
}

/** Embedding lookup whose gradient is a scatter-add in JS. */
export function embed(E: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const [V, dim] = E.shape;
  const op = customOp((e: tf.Tensor) => {
    const idsT = tf.tensor1d(ids, 'int32');
    const value = tf.gather(e, idsT);
    idsT.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const out = new Float32Array(V * dim);
        for (let n = 0; n < ids.length; n++) {
          const o = ids[n] * dim;
          const s = n * dim;
          for (let j = 0; j < dim; j++) out[o + j] += g[s + j];
        }
        return [tf.tensor2d(out, [V, dim])];
      },
    };
  });
  return op(E) as tf.Tensor2D;
}

/** Embedding lookup whose gradient is a one-hot matmul on the device. */
export function embedDevice(E: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const V = E.shape[0];
  const op = customOp((e: tf.Tensor) => ({
    value: tf.gather(e, tf.tensor1d(ids, 'int32')),
    gradFunc: (dy: tf.Tensor) => [tf.matMul(tf.oneHot(tf.tensor1d(ids, 'int32'), V, 1, 0, 'float32') as tf.Tensor2D, dy as tf.Tensor2D, true, false)],
  }));
  return op(E) as tf.Tensor2D;
}

/**
 * Mean softmax cross-entropy over rows on the device. Also returns, as kept scalars, the cross-entropy and the
 * top-1 accuracy for the caller to read (and dispose) when the batch is done.
 */
export function softmaxCrossEntropyDevice(logits: tf.Tensor2D, targets: Int32Array): { loss: tf.Scalar; crossEntropy: tf.Scalar; accuracy: tf.Scalar } {
  const [N, V] = logits.shape;
  const op = customOp((l: tf.Tensor, save: tf.GradSaveFunc) => {
    const logp = tf.logSoftmax(l);
    save([logp]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(tf.oneHot(tf.tensor1d(targets, 'int32'), V, 1, 0, 'float32'), logp))), N) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const probs = tf.exp(saved[0]);
        return [tf.mul(tf.sub(probs, tf.oneHot(tf.tensor1d(targets, 'int32'), V, 1, 0, 'float32')), tf.div(dy, N))];
      },
    };
  });
  const loss = op(logits) as tf.Scalar;
  const hits = tf.equal(tf.argMax(logits, 1), tf.tensor1d(targets, 'int32'));
  return { loss, crossEntropy: tf.keep(tf.clone(loss)), accuracy: tf.keep(tf.mean(tf.cast(hits, 'float32')) as tf.Scalar) };
}

/** x·W + b with gradients computed from explicitly transposed operands. */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const op = customOp((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xx, ww]); // intermediates are freed after the forward pass unless saved
    return {
      value: tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        const dx = tf.matMul(dy2, tf.transpose(ws));
        const dw = tf.matMul(tf.transpose(xs), dy2);
        const db = tf.reshape(tf.matMul(tf.ones([1, dy2.shape[0]]) as tf.Tensor2D, dy2), [dy2.shape[1]]);
        return [dx, dw, db];
      },
    };
  });
  return op(x, W, b) as tf.Tensor2D;
}

/**
 * Mean softmax cross-entropy over rows, computed in JS; also reports accuracy (and, in `stats`, the plain
 * cross-entropy of the LSTM, comparable with validation).
 *
 * With a cache prior (cache-aware fine-tuning) each row's loss is that of the distribution the editor serves,
 * −log((1 − λ)·p(y) + λ·q(y)), with λ and λ·q(y) fixed by the starting model and the cache. Its gradient with
 * respect to the logits is the plain one, p − onehot(y), scaled by w = (1 − λ)·p(y) / ((1 − λ)·p(y) + λ·q(y)):
 * characters the cache already supplies weigh little, and the model spends its capacity on what the cache cannot
 * predict.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: Int32Array, stats: LossResult['stats'], prior?: CachePrior): tf.Scalar {
  const [N, V] = logits.shape;
  const op = customOp((l: tf.Tensor) => {
    const z = l.dataSync() as Float32Array;
    const probs = new Float32Array(N * V);
    let total = 0;
    let objective = 0;
    let correct = 0;
    const rowWeight = prior ? new Float32Array(N) : undefined;
    for (let n = 0; n < N; n++) {
      const o = n * V;
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < V; j++) {
        if (z[o + j] > max) {
          max = z[o + j];
          arg = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < V; j++) {
        const e = Math.exp(z[o + j] - max);
        probs[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < V; j++) probs[o + j] /= sum;
      const nll = Math.log(sum) + max - z[o + targets[n]];
      total += nll;
      if (rowWeight) {
        const lstm = (1 - prior!.lambda[n]) * probs[o + targets[n]];
        const mixed = lstm + prior!.mass[n];
        objective += prior!.mass[n] > 0 || prior!.lambda[n] > 0 ? -Math.log(Math.max(mixed, 1e-30)) : nll; // no cache here: the plain row, exactly
        rowWeight[n] = mixed > 0 ? lstm / mixed : 1;
      } else objective += nll;
      if (arg === targets[n]) correct++;
    }
    stats.crossEntropy = total / N;
    stats.accuracy = correct / N;
    stats.chars = N;
    if (rowWeight) stats.mixture = objective / N;
    return {
      value: tf.scalar(objective / N),
      gradFunc: (dy: tf.Tensor) => {
        const scale = (dy.dataSync() as Float32Array)[0] / N;
        for (let n = 0; n < N; n++) probs[n * V + targets[n]] -= 1;
        if (rowWeight) for (let n = 0; n < N; n++) for (let j = 0; j < V; j++) probs[n * V + j] *= rowWeight[n];
        for (let i = 0; i < probs.length; i++) probs[i] *= scale;
        return [tf.tensor2d(probs, [N, V])];
      },
    };
  });
  return op(logits) as tf.Scalar;
}

export class TrainableModel {
  readonly spec: ModelSpec;
  /** In the order of weightEntries(spec). */
  readonly variables: tf.Variable[];

  readonly residency: Residency;
  /**
   * The embedding and the first `frozenLayers` LSTM layers keep their weights: they get no gradients, so
   * their backward pass never runs (tfjs prunes the tape to what leads to the trained variables).
   */
  readonly frozenLayers: number;
  /** The variables that get gradients and updates, in the order of `variables`. */
  readonly trainableVariables: tf.Variable[];
  private dropoutRng: SkippableRng;

  /**
   * Where the dropout masks' generator stands: saved with a run's position and restored on resume, so a resumed run
   * draws the masks an uninterrupted one would (without it, losses differed from the 4th decimal on).
   */
  get dropoutState(): number {
    return this.dropoutRng.skip(0);
  }

  set dropoutState(state: number) {
    this.dropoutRng = mulberry32(state); // mulberry32's seed is its state
  }

  constructor(weights: ModelWeights, seed = 1, residency: Residency = 'host', frozenLayers = 0) {
    this.spec = weights.spec;
    this.residency = residency;
    const nL = weights.spec.lstmUnits.length;
    if (!(Number.isInteger(frozenLayers) && frozenLayers >= 0 && frozenLayers < nL)) {
      throw new RangeError(`frozen layers must be an integer from 0 to ${nL - 1} (the output layers always train), got ${frozenLayers}`);
    }
    this.frozenLayers = frozenLayers;
    this.dropoutRng = mulberry32(seed ^ 0x5eed);
    const id = ++instanceCounter;
    const entries = weightEntries(weights.spec);
    // tidy: the initial tensors go; the variables keep their data.
    this.variables = weightList(weights).map((a, i) => tf.tidy(() => tf.variable(tf.tensor(a, entries[i].shape), true, `${entries[i].name}#${id}`)));
    // Variable 0 is the embedding, then three per LSTM layer (weightEntries' order).
    const firstTrained = frozenLayers > 0 ? 1 + 3 * frozenLayers : 0;
    this.trainableVariables = this.variables.slice(firstTrained);
  }

  setWeights(weights: ModelWeights): void {
    this.setWeightList(weightList(weights));
  }

  setWeightList(list: Float32Array[]): void {
    tf.tidy(() => list.forEach((a, i) => this.variables[i].assign(tf.tensor(a, this.variables[i].shape))));
  }

  weightArrays(): Float32Array[] {
    return this.variables.map((v) => (v.dataSync() as Float32Array).slice());
  }

  /** The weights, read without a synchronous download (works on every backend). */
  async readWeights(): Promise<ModelWeights> {
    const list = await Promise.all(this.variables.map(async (v) => (await v.data()) as Float32Array));
    return weightsFromList(this.spec, list);
  }

  /** The loss of a time-major batch and its gradients by variable name (the caller disposes the gradients). */
  gradients(
    inputs: Int32Array,
    targets: Int32Array,
    steps: number,
    batch: number,
    opts: ForwardOptions,
  ): { grads: Record<string, tf.Tensor>; result: LossResult } {
    let result: LossResult | undefined;
    const g = tf.variableGrads(() => (result = this.loss(inputs, targets, steps, batch, opts)).loss, this.trainableVariables);
    g.value.dispose();
    return { grads: g.grads, result: result! };
  }

  /** Builds the loss for a time-major batch; call inside tf.variableGrads / tf.tidy. */
  loss(inputs: Int32Array, targets: Int32Array, steps: number, batch: number, opts: ForwardOptions): LossResult {
    if (this.residency === 'device') return this.lossOnDevice(inputs, targets, steps, batch, opts);
    const stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
    const v = this.variables;
    let x: tf.Tensor2D = embed(v[0] as tf.Tensor2D, inputs);
    this.spec.lstmUnits.forEach((_, i) => {
      const [k, u, b] = [v[1 + 3 * i], v[2 + 3 * i], v[3 + 3 * i]];
      const states = opts.states;
      x = lstmSequence(x, k as tf.Tensor2D, u as tf.Tensor2D, b as tf.Tensor1D, {
        steps,
        batch,
        chunk: opts.chunk,
        initial: states?.[i],
        onFinalState: states ? (s) => (states[i] = s) : undefined,
        dropout: opts.training && this.spec.dropout > 0 ? { rate: this.spec.dropout, rng: this.dropoutRng } : undefined,
        inputGradient: i > this.frozenLayers || this.frozenLayers === 0,
      });
    });
    const nL = this.spec.lstmUnits.length;
    const W = v[1 + 3 * nL] as tf.Tensor2D;
    const logits = dense(x, W, v[2 + 3 * nL] as tf.Tensor1D);
    const ce = softmaxCrossEntropy(logits, targets, stats, opts.prior);
    return { loss: this.l2(ce, W), stats, finish: async () => undefined };
  }

  private l2(ce: tf.Scalar, W: tf.Tensor2D): tf.Scalar {
    return (this.spec.denseL2 > 0 ? tf.add(ce, tf.mul(this.spec.denseL2, tf.sum(tf.square(W)))) : ce) as tf.Scalar;
  }

  /** The dropout mask for a device layer: drawn on the GPU on webgpu (same values as the host's draws). */
  private deviceDropoutMask(rows: number, units: number): tf.Tensor2D {
    if (tf.getBackend() === 'webgpu') return dropoutMaskWebGpu(rows, units, this.spec.dropout, this.dropoutRng.skip(rows * units));
    return dropoutMask(rows, units, this.spec.dropout, this.dropoutRng);
  }

  private lossOnDevice(inputs: Int32Array, targets: Int32Array, steps: number, batch: number, opts: ForwardOptions): LossResult {
    // The run's setup leaves the prior out on a device backend (run-setup.ts); its loss is the plain one.
    if (opts.prior) throw new Error('a cache-aware loss runs on the host backends (wasm, cpu), not on the GPU');
    const stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
    const v = this.variables;
    const kept: tf.Tensor[] = [];
    const finals: { layer: number; h: tf.Tensor2D; c: tf.Tensor2D }[] = [];
    let x: tf.Tensor2D = embedDevice(v[0] as tf.Tensor2D, inputs);
    this.spec.lstmUnits.forEach((H, i) => {
      const [k, u, b] = [v[1 + 3 * i], v[2 + 3 * i], v[3 + 3 * i]];
      const s = opts.states?.[i];
      x = lstmSequenceDevice(x, k as tf.Tensor2D, u as tf.Tensor2D, b as tf.Tensor1D, {
        steps,
        batch,
        initial: s ? { h: tf.tensor2d(s.h, [batch, H]), c: tf.tensor2d(s.c, [batch, H]) } : undefined,
        onFinalState: opts.states ? (h, c) => finals.push({ layer: i, h, c }) : undefined,
        mask: opts.training && this.spec.dropout > 0 ? this.deviceDropoutMask(steps * batch, H) : undefined,
      });
    });
    const nL = this.spec.lstmUnits.length;
    const W = v[1 + 3 * nL] as tf.Tensor2D;
    const ce = softmaxCrossEntropyDevice(dense(x, W, v[2 + 3 * nL] as tf.Tensor1D), targets);
    kept.push(ce.crossEntropy, ce.accuracy);
    const states = opts.states;
    const finish = async (): Promise<void> => {
      try {
        const [c, a] = await Promise.all([ce.crossEntropy.data(), ce.accuracy.data()]);
        stats.crossEntropy = c[0];
        stats.accuracy = a[0];
        stats.chars = targets.length;
        for (const f of finals) {
          const [h, cc] = await Promise.all([f.h.data(), f.c.data()]);
          if (states) states[f.layer] = { h: h as Float32Array, c: cc as Float32Array };
        }
      } finally {
        tf.dispose([...kept, ...finals.flatMap((f) => [f.h, f.c])]);
      }
    };
    return { loss: this.l2(ce.loss, W), stats, finish };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
