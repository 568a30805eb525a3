/**
 * The design's model as trainable tfjs variables with a forward pass built for training speed on every
 * backend: custom-gradient embedding (wasm has no UnsortedSegmentSum gradient), the LSTM op, dropout,
 * a dense layer whose gradient matmuls use explicit transposes, and a fused softmax cross-entropy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { ModelSpec, ModelWeights, weightEntries, weightList, weightsFromList } from '../model/architecture';
import { lstmSequence, LstmState } from './lstm-op';
import { mulberry32, Rng } from '../inference/rng';

let instanceCounter = 0;

export interface LossResult {
  /** Scalar: mean cross-entropy (nats/char) plus the dense L2 penalty. */
  loss: tf.Scalar;
  /** Filled once the forward pass ran: mean cross-entropy without the penalty, and top-1 accuracy. */
  stats: { crossEntropy: number; accuracy: number; chars: number };
}

export interface ForwardOptions {
  training: boolean;
  /** Per-layer state before the batch (carried-state mode); replaced by the state after it. */
  states?: (LstmState | undefined)[];
  chunk?: number;
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

/** Mean softmax cross-entropy over rows, computed in JS; also reports accuracy. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: Int32Array, stats: LossResult['stats']): tf.Scalar {
  const [N, V] = logits.shape;
  const op = customOp((l: tf.Tensor) => {
    const z = l.dataSync() as Float32Array;
    const probs = new Float32Array(N * V);
    let total = 0;
    let correct = 0;
    for (let n = 0; n < N; n++) {
      const o = n * V;
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < V; j++) if (z[o + j] > max) ((max = z[o + j]), (arg = j));
      let sum = 0;
      for (let j = 0; j < V; j++) {
        const e = Math.exp(z[o + j] - max);
        probs[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < V; j++) probs[o + j] /= sum;
      total += Math.log(sum) + max - z[o + targets[n]];
      if (arg === targets[n]) correct++;
    }
    stats.crossEntropy = total / N;
    stats.accuracy = correct / N;
    stats.chars = N;
    return {
      value: tf.scalar(total / N),
      gradFunc: (dy: tf.Tensor) => {
        const scale = (dy.dataSync() as Float32Array)[0] / N;
        for (let n = 0; n < N; n++) probs[n * V + targets[n]] -= 1;
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

  private readonly dropoutRng: Rng;

  constructor(weights: ModelWeights, seed = 1) {
    this.spec = weights.spec;
    this.dropoutRng = mulberry32(seed ^ 0x5eed);
    const id = ++instanceCounter;
    const entries = weightEntries(weights.spec);
    this.variables = weightList(weights).map((a, i) => tf.variable(tf.tensor(a, entries[i].shape), true, `${entries[i].name}#${id}`));
  }

  toWeights(): ModelWeights {
    return weightsFromList(this.spec, this.variables.map((v) => (v.dataSync() as Float32Array).slice()));
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

  /** Builds the loss for a time-major batch; call inside tf.variableGrads / tf.tidy. */
  loss(inputs: Int32Array, targets: Int32Array, steps: number, batch: number, opts: ForwardOptions): LossResult {
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
      });
    });
    const nL = this.spec.lstmUnits.length;
    const W = v[1 + 3 * nL] as tf.Tensor2D;
    const logits = dense(x, W, v[2 + 3 * nL] as tf.Tensor1D);
    const ce = softmaxCrossEntropy(logits, targets, stats);
    const loss = this.spec.denseL2 > 0 ? tf.add(ce, tf.mul(this.spec.denseL2, tf.sum(tf.square(W)))) : ce;
    return { loss: loss as tf.Scalar, stats };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
