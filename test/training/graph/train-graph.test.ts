import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec, weightEntries } from '../../../src/model/architecture';
import { initWeights } from '../../../src/model/initializers';
import { buildLayersModel, setLayersModelWeights } from '../../../src/model/layers-model';
import { TrainableModel } from '../../../src/training/graph/train-graph';
import { mulberry32 } from '../../../src/util/rng';
import { useBackend } from '../../helpers';

describe('training graph', () => {
  it('gives the layers model loss and gradients (embedding, LSTMs, dense, L2) on cpu and wasm', async () => {
    // The reference runs on cpu: tfjs-wasm has no gradient kernel for the Embedding layer.
    await useBackend('cpu');
    const spec = makeSpec({ embeddingDim: 6, lstmUnits: [8, 5], dropout: 0 });
    const w = initWeights(spec, 11);
    const [B, T] = [3, 9];
    const rng = mulberry32(2);
    const seq = Array.from({ length: B }, () => Array.from({ length: T + 1 }, () => Math.floor(rng() * spec.vocabSize)));
    const inTM = new Int32Array(T * B);
    const tgTM = new Int32Array(T * B);
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < B; r++) {
        inTM[t * B + r] = seq[r][t];
        tgTM[t * B + r] = seq[r][t + 1];
      }
    }

    const layers = buildLayersModel(spec);
    setLayersModelWeights(layers, w);
    const lvars = layers.trainableWeights.map((v) => v.read() as tf.Variable);
    const ref = tf.variableGrads(() => {
      const probs = layers.apply(
        tf.tensor2d(
          seq.map((s) => s.slice(0, T)),
          [B, T],
          'int32',
        ),
      ) as tf.Tensor;
      const onehot = tf.oneHot(
        tf.tensor2d(
          seq.map((s) => s.slice(1)),
          [B, T],
          'int32',
        ),
        spec.vocabSize,
      );
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.log(probs)), -1)));
      return tf.add(ce, tf.mul(spec.denseL2, tf.sum(tf.square(lvars[lvars.length - 2])))) as tf.Scalar;
    }, lvars);

    const refLoss = ref.value.dataSync()[0];
    const refGrads = lvars.map((v) => ref.grads[v.name].dataSync().slice());
    layers.dispose();

    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const ours = new TrainableModel(w);
      const got = tf.variableGrads(() => ours.loss(inTM, tgTM, T, B, { training: false }).loss, ours.variables);
      assert.ok(Math.abs(got.value.dataSync()[0] - refLoss) < 1e-5, `${backend} loss`);
      const names = weightEntries(spec).map((e) => e.name);
      ours.variables.forEach((v, i) => {
        const a = got.grads[v.name].dataSync();
        const b = refGrads[i];
        let num = 0;
        let den = 0;
        a.forEach((x, j) => ((num += (x - b[j]) ** 2), (den += b[j] ** 2)));
        assert.ok(Math.sqrt(num / den) < 1e-4, `${backend} ${names[i]}: relative error ${Math.sqrt(num / den)}`);
      });
      ours.dispose();
    }
  });

  it('with the first layer frozen, trains only what lies above it, with the same gradients', async () => {
    await useBackend('wasm');
    const spec = makeSpec({ embeddingDim: 6, lstmUnits: [8, 5, 7], dropout: 0 });
    const w = initWeights(spec, 12);
    const [B, T] = [2, 7];
    const rng = mulberry32(3);
    const inputs = Int32Array.from({ length: T * B }, () => Math.floor(rng() * spec.vocabSize));
    const targets = Int32Array.from({ length: T * B }, () => Math.floor(rng() * spec.vocabSize));
    const names = weightEntries(spec).map((e) => e.name);
    const all = new TrainableModel(w);
    const full = all.gradients(inputs, targets, T, B, { training: false });
    const fullGrads = all.variables.map((v) => full.grads[v.name].dataSync().slice());
    for (const frozen of [1, 2]) {
      const part = new TrainableModel(w, 1, 'host', frozen);
      // Embedding + 3 variables per frozen layer get nothing; the rest get exactly the full model's gradients.
      assert.deepEqual(
        part.trainableVariables.map((v) => part.variables.indexOf(v)),
        names.map((_, i) => i).slice(1 + 3 * frozen),
      );
      const got = part.gradients(inputs, targets, T, B, { training: false });
      assert.equal(Object.keys(got.grads).length, part.trainableVariables.length);
      part.trainableVariables.forEach((v) => {
        const i = part.variables.indexOf(v);
        const a = got.grads[v.name].dataSync();
        let worst = 0;
        a.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - fullGrads[i][j]))));
        assert.ok(worst < 1e-6, `${names[i]} with ${frozen} frozen: max difference ${worst}`);
      });
      assert.ok(Math.abs(got.result.stats.crossEntropy - full.result.stats.crossEntropy) < 1e-6);
      tf.dispose(Object.values(got.grads));
      part.dispose();
    }
    tf.dispose(Object.values(full.grads));
    all.dispose();
    assert.throws(() => new TrainableModel(w, 1, 'host', 3), /from 0 to 2/);
  });

  it('with the first layer frozen, the layer above it never computes its input gradient', async () => {
    await useBackend('wasm');
    const spec = makeSpec({ embeddingDim: 6, lstmUnits: [8, 5], dropout: 0 });
    const w = initWeights(spec, 13);
    const [B, T] = [2, 6];
    const inputs = Int32Array.from({ length: T * B }, (_, i) => (i * 7) % spec.vocabSize);
    const targets = Int32Array.from({ length: T * B }, (_, i) => (i * 5 + 1) % spec.vocabSize);
    // Count the matmuls of the backward pass: the frozen run skips the first layer's and the second layer's Z·Wᵀ.
    const count = async (frozen: number): Promise<number> => {
      const m = new TrainableModel(w, 1, 'host', frozen);
      const before = tf.memory().numTensors;
      const info = await tf.profile(() => {
        const g = m.gradients(inputs, targets, T, B, { training: false });
        tf.dispose(Object.values(g.grads));
      });
      m.dispose();
      assert.equal(tf.memory().numTensors, before - m.variables.length, 'no tensor leaks');
      return info.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul').length;
    };
    const full = await count(0);
    const frozen = await count(1);
    // Forward: per layer one input projection and T recurrent products, then the dense layer. Backward of the
    // full model: per layer T-1 recurrent products and the 4 chunk products (dW, dU, db, dX), the dense layer's 3.
    const expectedFull = 2 * (1 + T) + 1 + 2 * (T - 1 + 4) + 3;
    assert.equal(full, expectedFull);
    // Frozen: the first layer has no backward, the second skips dX.
    assert.equal(frozen, expectedFull - (T - 1 + 4) - 1);
  });
});
