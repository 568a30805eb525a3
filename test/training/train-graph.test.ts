import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec, weightEntries } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { buildLayersModel, setLayersModelWeights } from '../../src/model/layers-model';
import { TrainableModel } from '../../src/training/graph/train-graph';
import { mulberry32 } from '../../src/util/rng';
import { useBackend } from '../helpers';

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
    for (let t = 0; t < T; t++) for (let r = 0; r < B; r++) ((inTM[t * B + r] = seq[r][t]), (tgTM[t * B + r] = seq[r][t + 1]));

    const layers = buildLayersModel(spec);
    setLayersModelWeights(layers, w);
    const lvars = layers.trainableWeights.map((v) => v.read() as tf.Variable);
    const ref = tf.variableGrads(() => {
      const probs = layers.apply(tf.tensor2d(seq.map((s) => s.slice(0, T)), [B, T], 'int32')) as tf.Tensor;
      const onehot = tf.oneHot(tf.tensor2d(seq.map((s) => s.slice(1)), [B, T], 'int32'), spec.vocabSize);
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
});
