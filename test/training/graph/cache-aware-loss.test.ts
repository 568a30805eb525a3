import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy } from '../../../src/training/graph/train-graph';
import { shardBatch } from '../../../src/training/graph/gradient-pool';
import { makeBatch } from '../../../src/data/dataset';
import { mulberry32 } from '../../../src/util/rng';
import { useBackend } from '../../helpers';
import { TrainableModel } from '../../../src/training/graph/train-graph';
import { evaluateStream } from '../../../src/training/loop/evaluate-stream';
import { initWeights } from '../../../src/model/initializers';
import { makeSpec } from '../../../src/model/architecture';
import { encode } from '../../../src/model/vocab';

/** The served mixture's loss, −mean log((1 − λ)·softmax(z)[y] + mass), in float64: the reference. */
function mixtureLoss(z: Float64Array, N: number, V: number, targets: Int32Array, lambda: Float32Array, mass: Float32Array): number {
  let total = 0;
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, z[n * V + j]);
    let sum = 0;
    for (let j = 0; j < V; j++) sum += Math.exp(z[n * V + j] - max);
    const p = Math.exp(z[n * V + targets[n]] - max) / sum;
    total -= Math.log((1 - lambda[n]) * p + mass[n]);
  }
  return total / N;
}

describe('cache-aware loss (issue 42)', () => {
  before(() => useBackend('cpu'));

  it("is the served mixture's loss, and its gradient matches finite differences", () => {
    const [N, V] = [6, 5];
    const rng = mulberry32(4);
    const z = Float64Array.from({ length: N * V }, () => rng() * 4 - 2);
    const targets = Int32Array.from({ length: N }, () => Math.floor(rng() * V));
    // Rows with no cache, a cache that knows the character, one that is sure and wrong, and in between.
    const lambda = Float32Array.from([0, 0.9, 0.8, 0.5, 0.3, 0.99]);
    const mass = Float32Array.from([0, 0.9, 0, 0.25, 0.1, 0.99]);
    const prior = { lambda, mass };
    const stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
    const logits = tf.tensor2d(Float32Array.from(z), [N, V]);
    const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => softmaxCrossEntropy(l as tf.Tensor2D, targets, stats, prior))(logits);
    const g = grad.dataSync();
    assert.ok(Math.abs(value.dataSync()[0] - mixtureLoss(z, N, V, targets, lambda, mass)) < 1e-5);
    const h = 1e-4;
    for (let i = 0; i < N * V; i++) {
      const up = Float64Array.from(z);
      const down = Float64Array.from(z);
      up[i] += h;
      down[i] -= h;
      const numeric = (mixtureLoss(up, N, V, targets, lambda, mass) - mixtureLoss(down, N, V, targets, lambda, mass)) / (2 * h);
      assert.ok(Math.abs(g[i] - numeric) < 1e-4, `logit ${i}: ${g[i]} vs ${numeric}`);
    }
    // A character the cache already supplies (row 5: λ 0.99, all of it on the truth) barely moves the model.
    const rowNorm = (n: number) => Math.hypot(...Array.from(g.slice(n * V, (n + 1) * V)));
    assert.ok(rowNorm(5) < 0.05 * rowNorm(0), `${rowNorm(5)} vs ${rowNorm(0)}`);
    // The plain cross-entropy is still what the stats report (comparable with validation).
    let plain = 0;
    for (let n = 0; n < N; n++) plain += mixtureLoss(z.slice(n * V, (n + 1) * V), 1, V, targets.slice(n, n + 1), new Float32Array(1), new Float32Array(1));
    assert.ok(Math.abs(stats.crossEntropy - plain / N) < 1e-5);
  });

  it('without a cache (λ = 0 everywhere) it is the plain loss, to the last bit', () => {
    const [N, V] = [4, 7];
    const rng = mulberry32(8);
    const z = tf.tensor2d(
      Float32Array.from({ length: N * V }, () => rng() * 4 - 2),
      [N, V],
    );
    const targets = Int32Array.from({ length: N }, () => Math.floor(rng() * V));
    const stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
    const zero = { lambda: new Float32Array(N), mass: new Float32Array(N) };
    const a = tf
      .grad((l: tf.Tensor) => softmaxCrossEntropy(l as tf.Tensor2D, targets, stats))(z)
      .dataSync();
    const b = tf
      .grad((l: tf.Tensor) => softmaxCrossEntropy(l as tf.Tensor2D, targets, stats, zero))(z)
      .dataSync();
    assert.deepEqual(Array.from(b), Array.from(a));
  });

  it("batches carry each target's prior, time-major, and shards keep it with their rows", () => {
    const stream = Uint8Array.from({ length: 40 }, (_, i) => i);
    const prior = { lambda: Float32Array.from(stream, (c) => c / 100), mass: Float32Array.from(stream, (c) => c / 200) };
    const b = makeBatch(stream, [0, 20], 5, true, prior);
    for (let t = 0; t < 5; t++)
      for (let r = 0; r < 2; r++) {
        const target = b.targets[t * 2 + r];
        assert.equal(b.prior!.lambda[t * 2 + r], prior.lambda[target], 'the prior of the character predicted');
        assert.equal(b.prior!.mass[t * 2 + r], prior.mass[target]);
      }
    const shard = shardBatch(b, 1, 2);
    assert.deepEqual(
      Array.from(shard.prior!.lambda),
      [21, 22, 23, 24, 25].map((c) => Math.fround(c / 100)),
    );
  });

  it("a cache-aware run's validation is the mixture's loss: the same as plain without a cache, lower where it knows", async () => {
    const model = new TrainableModel(initWeights(makeSpec({ embeddingDim: 4, lstmUnits: [8, 8] }), 2), 1, 'host');
    const stream = encode('def f(x):\n    return x + 1\n'.repeat(6));
    const plain = await evaluateStream(model, stream, 'windows', 4, 16);
    const none = { lambda: new Float32Array(stream.length), mass: new Float32Array(stream.length) };
    assert.equal((await evaluateStream(model, stream, 'windows', 4, 16, undefined, none)).loss, plain.loss);
    const knows = { lambda: new Float32Array(stream.length).fill(0.8), mass: new Float32Array(stream.length).fill(0.7) };
    const mixed = await evaluateStream(model, stream, 'windows', 4, 16, undefined, knows);
    // An untrained model gives ~1/V to the truth: the mixture's loss is about -log(0.7).
    assert.ok(mixed.loss < plain.loss / 2 && Math.abs(mixed.loss + Math.log(0.7 + 0.2 / 98)) < 0.05, `${mixed.loss} vs ${plain.loss}`);
    model.dispose();
  });
});
