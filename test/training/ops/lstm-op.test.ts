import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { lstmSequence, LstmState } from '../../../src/training/ops/lstm-op';
import { initLstmLayer } from '../../../src/model/initializers';
import { mulberry32, gaussian } from '../../../src/util/rng';
import { useBackend } from '../../helpers';

function rand(n: number, seed: number, scale = 1): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => gaussian(r) * scale);
}

/** Batch-major [B, T, D] -> time-major rows [T*B, D]. */
function toTimeMajor(a: Float32Array, B: number, T: number, D: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(a.subarray((b * T + t) * D, (b * T + t + 1) * D), (t * B + b) * D);
  return out;
}

function relClose(a: Float32Array, b: Float32Array, what: string, tol = 1e-4): void {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  const rel = Math.sqrt(num / Math.max(den, 1e-30));
  assert.ok(rel < tol, `${what}: relative error ${rel}`);
}

describe('LSTM training op', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`equals tf.layers.lstm in value and gradients (${backend})`, async () => {
      await useBackend(backend);
      const [B, T, D, H] = [3, 7, 5, 4];
      const w = initLstmLayer(D, H, mulberry32(3));
      w.bias.set(rand(4 * H, 4, 0.3));
      const xBM = rand(B * T * D, 5);
      const R = rand(B * T * H, 6); // loss = sum(out * R)
      const h0 = rand(B * H, 7, 0.5);
      const c0 = rand(B * H, 8, 0.5);

      // Reference: tf.layers.lstm with sigmoid recurrent activation, batch-major, with initial state.
      const layer = tfl.layers.lstm({
        units: H,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
        unitForgetBias: false,
      });
      const x = tf.tensor3d(xBM, [B, T, D]);
      const initialState = () => [tf.tensor2d(h0, [B, H]), tf.tensor2d(c0, [B, H])];
      layer.apply(x, { initialState: initialState() }); // builds the layer for inputs with a state
      layer.setWeights([tf.tensor2d(w.kernel, [D, 4 * H]), tf.tensor2d(w.recurrentKernel, [H, 4 * H]), tf.tensor1d(w.bias)]);
      const [kV, uV, bV] = layer.trainableWeights.map((lw) => lw.read() as tf.Variable) as [
        tf.Variable<tf.Rank.R2>,
        tf.Variable<tf.Rank.R2>,
        tf.Variable<tf.Rank.R1>,
      ];
      const xV = tf.variable(x);
      const ref = tf.variableGrads(() => {
        const out = layer.apply(xV, { initialState: initialState() }) as tf.Tensor;
        return tf.sum(tf.mul(out, tf.tensor3d(R, [B, T, H]))) as tf.Scalar;
      }, [xV, kV, uV, bV]);
      const refOut = (layer.apply(x, { initialState: initialState() }) as tf.Tensor).dataSync() as Float32Array;

      // Ours, time-major.
      const xTM = tf.variable(tf.tensor2d(toTimeMajor(xBM, B, T, D), [T * B, D]));
      let final: LstmState | undefined;
      const ours = tf.variableGrads(() => {
        const out = lstmSequence(xTM, kV, uV, bV, { steps: T, batch: B, initial: { h: h0, c: c0 }, chunk: 3, onFinalState: (s) => (final = s) });
        return tf.sum(tf.mul(out, tf.tensor2d(toTimeMajor(R, B, T, H), [T * B, H]))) as tf.Scalar;
      }, [xTM, kV, uV, bV]);
      const ourOut = lstmSequence(xTM, kV, uV, bV, { steps: T, batch: B, initial: { h: h0, c: c0 } }).dataSync() as Float32Array;

      relClose(ourOut, toTimeMajor(refOut, B, T, H), 'output', 1e-5);
      relClose(ours.value.dataSync() as Float32Array, ref.value.dataSync() as Float32Array, 'loss', 1e-5);
      relClose(ours.grads[xTM.name].dataSync() as Float32Array, toTimeMajor(ref.grads[xV.name].dataSync() as Float32Array, B, T, D), 'dx');
      for (const v of [kV, uV, bV]) relClose(ours.grads[v.name].dataSync() as Float32Array, ref.grads[v.name].dataSync() as Float32Array, v.name);
      // The final state is the last step's.
      const lastH = toTimeMajor(refOut, B, T, H).subarray((T - 1) * B * H);
      relClose(final!.h, lastH, 'final h', 1e-5);
      tf.dispose([xV, xTM, x]);
      layer.dispose();
    });
  }
});

describe('LSTM op dropout', () => {
  it('drops outputs with the given rate, scales the rest, and passes gradients only through kept values', async () => {
    await useBackend('wasm');
    const [B, T, D, H] = [4, 50, 3, 8];
    const w = initLstmLayer(D, H, mulberry32(1));
    const x = tf.variable(tf.tensor2d(rand(T * B * D, 2), [T * B, D]));
    const [k, u, b] = [
      tf.variable(tf.tensor2d(w.kernel, [D, 4 * H])),
      tf.variable(tf.tensor2d(w.recurrentKernel, [H, 4 * H])),
      tf.variable(tf.tensor1d(w.bias)),
    ];
    const plain = lstmSequence(x, k, u, b, { steps: T, batch: B }).dataSync();
    const r = tf.variableGrads(() => tf.sum(lstmSequence(x, k, u, b, { steps: T, batch: B, dropout: { rate: 0.25, rng: mulberry32(3) } })) as tf.Scalar, [x]);
    const dropped = lstmSequence(x, k, u, b, { steps: T, batch: B, dropout: { rate: 0.25, rng: mulberry32(3) } }).dataSync();
    let zeros = 0;
    dropped.forEach((v, i) => {
      if (v === 0) zeros++;
      else assert.ok(Math.abs(v - plain[i] / 0.75) < 1e-6);
    });
    const share = zeros / dropped.length;
    assert.ok(share > 0.2 && share < 0.3, `dropped ${share}`);
    assert.ok(Number.isFinite(r.grads[x.name].dataSync()[0]));
    tf.dispose([x, k, u, b]);
  });
});
