import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { buildLayersModel, setLayersModelWeights } from '../../src/model/layers-model';
import { LstmStepper } from '../../src/inference/lstm-stepper';
import { softmax } from '../../src/inference/sampling';
import { encode } from '../../src/model/vocab';
import { useBackend } from '../helpers';

function scaleWeights<T extends { lstm: { recurrentKernel: Float32Array }[] }>(w: T, s: number): T {
  // Larger recurrent weights make the state matter more, so a wrong state shows in the outputs.
  for (const l of w.lstm) for (let i = 0; i < l.recurrentKernel.length; i++) l.recurrentKernel[i] *= s;
  return w;
}

describe('LstmStepper', () => {
  before(() => useBackend('cpu'));

  for (const units of [
    [256, 256],
    [24, 40, 16],
  ]) {
    it(`matches the layers model within 1e-5 (LSTM units ${units})`, () => {
      const spec = makeSpec(units[0] === 256 ? {} : { embeddingDim: 12, lstmUnits: units });
      const weights = scaleWeights(initWeights(spec, 7), 1.5);
      for (const l of weights.lstm) for (let i = 0; i < l.bias.length; i++) l.bias[i] += 0.1 * Math.sin(i);
      const model = buildLayersModel(spec);
      setLayersModelWeights(model, weights);
      const text = 'def f(x):\n    return [x * 2 for x in range(10)]\n';
      const ids = encode(text);
      const expected = tf.tidy(() => (model.predict(tf.tensor2d([...ids], [1, ids.length], 'int32')) as tf.Tensor).arraySync()) as number[][][];
      model.dispose();
      const stepper = new LstmStepper(weights);
      let maxDiff = 0;
      ids.forEach((id, t) => {
        stepper.step(id);
        const p = softmax(stepper.logits());
        expected[0][t].forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - p[j]))));
      });
      assert.ok(maxDiff < 1e-5, `max difference ${maxDiff}`);
    });
  }

  it('saves and restores its state exactly', () => {
    const stepper = new LstmStepper(initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [16, 16] }), 2));
    for (const c of encode('import os\n')) stepper.step(c);
    const saved = stepper.readState();
    const before = stepper.logits();
    for (const c of encode('xyz')) stepper.step(c);
    assert.notDeepEqual(stepper.logits(), before);
    stepper.writeState(saved);
    assert.deepEqual(stepper.logits(), before);
    stepper.resetState();
    assert.ok(stepper.readState().every((v) => v === 0));
  });
});
