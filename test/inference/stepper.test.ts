import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec } from '../../src/model/architecture';
import { initWeights } from '../../src/model/initializers';
import { buildLayersModel, setLayersModelWeights } from '../../src/model/layers-model';
import { LstmStepper, INT16_INPUT_SCALE } from '../../src/inference/lstm-stepper';
import { softmax } from '../../src/inference/sampling';
import { encode } from '../../src/model/vocab';
import { createGemvKernel, packColumnBlocksInt16 } from '../../src/inference/simd-kernel';
import { sigmoid, tanh } from '../../src/util/fast-math';
import { mulberry32 } from '../../src/util/rng';
import { useBackend } from '../helpers';

function scaleWeights<T extends { lstm: { recurrentKernel: Float32Array }[] }>(w: T, s: number): T {
  // Larger recurrent weights make the state matter more, so a wrong state shows in the outputs.
  for (const l of w.lstm) for (let i = 0; i < l.recurrentKernel.length; i++) l.recurrentKernel[i] *= s;
  return w;
}

describe('LstmStepper', () => {
  before(() => useBackend('cpu'));

  // [22, 18]: layer sizes that are not a multiple of four, so the kernel's gates leave a tail to JS.
  for (const units of [
    [256, 256],
    [24, 40, 16],
    [22, 18],
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

  it("computes the gates in the SIMD kernel as fast-math's float64 maths does, within float32 rounding", () => {
    const kernel = createGemvKernel();
    const groups = 64; // 256 units
    const u = groups * 4;
    const mem = new Float32Array(kernel.memory.buffer);
    const z = 0;
    const c = 4 * u;
    const h = 5 * u;
    const rng = mulberry32(5);
    // Pre-activations over the clamp (|x| > 7.9) and around zero, where the rational approximation matters most.
    for (let i = 0; i < 4 * u; i++) mem[z + i] = (rng() - 0.5) * (i % 7 === 0 ? 40 : 8);
    for (let j = 0; j < u; j++) mem[c + j] = (rng() - 0.5) * 6;
    const zs = mem.slice(z, z + 4 * u);
    const cs = mem.slice(c, c + u);
    kernel.gates(z * 4, c * 4, h * 4, groups, u * 4);
    let maxDiff = 0;
    for (let j = 0; j < u; j++) {
      const cj = sigmoid(zs[u + j]) * cs[j] + sigmoid(zs[j]) * tanh(zs[2 * u + j]);
      const hj = sigmoid(zs[3 * u + j]) * tanh(cj);
      maxDiff = Math.max(maxDiff, Math.abs(mem[c + j] - cj), Math.abs(mem[h + j] - hj));
    }
    assert.ok(maxDiff < 2e-6, `max difference ${maxDiff}`);
  });

  it('in int16 precision stays within 1e-3 of the float32 probabilities, and layer sizes not a multiple of 8 stay float32', () => {
    const weights = scaleWeights(initWeights(makeSpec(), 7), 1.5);
    const exact = new LstmStepper(weights);
    const rounded = new LstmStepper(weights, { precision: 'int16' });
    assert.equal(exact.precision, 'float32');
    assert.equal(rounded.precision, 'int16');
    let maxDiff = 0;
    for (const id of encode('class Parser:\n    def parse(self, text):\n        return [t.strip() for t in text.split(",")]\n')) {
      exact.step(id);
      rounded.step(id);
      const p = softmax(exact.logits());
      const q = softmax(rounded.logits());
      p.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - q[j]))));
    }
    assert.ok(maxDiff > 0 && maxDiff < 1e-3, `max difference ${maxDiff}`);
    // A state written in float32 is rounded for the next products: both steppers go on from the same state.
    const state = exact.readState();
    rounded.writeState(state);
    exact.step(5);
    rounded.step(5);
    const p = softmax(exact.logits());
    softmax(rounded.logits()).forEach((v, j) => assert.ok(Math.abs(v - p[j]) < 1e-3));
    const odd = new LstmStepper(initWeights(makeSpec({ embeddingDim: 8, lstmUnits: [20, 12] }), 3), { precision: 'int16' });
    assert.equal(odd.precision, 'float32');
  });

  it('gemv16 never wraps its int32 sums, even for inputs at |x| = 1 lined up with every weight', () => {
    const K = 512;
    const N = 64;
    const m = new Float32Array(K * N);
    const rng = mulberry32(9);
    // Column 0: every weight 1 (the largest sum a column can have for its largest weight); the rest random.
    for (let k = 0; k < K; k++) for (let c = 0; c < N; c++) m[k * N + c] = c === 0 ? 1 : (rng() - 0.5) * 0.4;
    const kernel = createGemvKernel();
    kernel.memory.grow(16);
    const packed = new Int16Array(kernel.memory.buffer, 0, K * N);
    const scales = new Float32Array(kernel.memory.buffer, K * N * 2, N);
    packColumnBlocksInt16(m, K, N, INT16_INPUT_SCALE, packed, scales);
    const xAt = K * N * 2 + N * 4;
    const x16At = xAt + K * 4;
    const outAt = x16At + K * 2;
    const x = new Float32Array(kernel.memory.buffer, xAt, K);
    const out = new Float32Array(kernel.memory.buffer, outAt, N);
    for (const pattern of ['aligned', 'random'] as const) {
      // aligned: x = +1 everywhere, so column 0 sums K (a wrapped sum would be off by ~K); random: |x| < 1 of
      // either sign. Rounding 512 weights leaves errors of a few 1e-3 at most.
      for (let k = 0; k < K; k++) x[k] = pattern === 'aligned' ? 1 : rng() * 2 - 1;
      kernel.quantize(xAt, x16At, K / 8, INT16_INPUT_SCALE);
      out.fill(0);
      kernel.gemv16(x16At, 0, outAt, K / 2, N / 32, K * N * 2);
      for (let c = 0; c < N; c++) {
        let exact = 0;
        for (let k = 0; k < K; k++) exact += x[k] * m[k * N + c];
        assert.ok(Math.abs(out[c] - exact) < 5e-3 * Math.max(1, Math.abs(exact)), `${pattern} column ${c}: ${out[c]} vs ${exact}`);
      }
    }
  });

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
