/**
 * The LSTM layer of lstm-op.ts built from tf ops only, so every value stays on the backend's device: nothing is
 * read back during the forward or backward pass. For GPU backends (webgpu, where a synchronous read stalls the
 * queue or is not possible at all); the host version is faster on CPU backends, where its gate maths in JS
 * beats a dozen small ops per time step.
 *
 * Same layout and maths as lstmSequence: time-major rows (t*B + r), Keras weight layout, gates i, f, c, o,
 * sigmoid recurrent activation, truncated BPTT (the initial state is not differentiated), dropout on the
 * output with the mask given by the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';
import { lstmSequenceFused } from './lstm-webgpu';
import { lstmSequenceWhole } from './lstm-webgpu-sequence';
import { layerGradients } from './lstm-layer-grads';
import type { DeviceLstmOptions } from './device-lstm-options';

export type { DeviceLstmOptions };

/** One time step on the device: [activations i, f, g, o; c; tanh(c); h] from this step's input projection. */
function cellStep(xwt: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, U: tf.Tensor2D): tf.Tensor2D[] {
  const z = tf.add(xwt, tf.matMul(h, U)) as tf.Tensor2D;
  const [zi, zf, zg, zo] = tf.split(z, 4, 1);
  const i = tf.sigmoid(zi);
  const f = tf.sigmoid(zf);
  const g = tf.tanh(zg);
  const o = tf.sigmoid(zo);
  const cc = tf.add(tf.mul(f, c), tf.mul(i, g));
  const tcc = tf.tanh(cc);
  return [tf.concat([i, f, g, o], 1), cc, tcc, tf.mul(o, tcc)] as tf.Tensor2D[];
}

/** One time step backwards: the pre-activation gate gradients dz from dh (this step's total) and dc of the step after. */
function cellGradient(
  act: tf.Tensor2D,
  tc: tf.Tensor2D,
  cPrev: tf.Tensor2D,
  dh: tf.Tensor2D,
  dcNext: tf.Tensor2D | undefined,
): { dz: tf.Tensor2D; dc: tf.Tensor2D; f: tf.Tensor2D } {
  const [i, f, g, o] = tf.split(act, 4, 1) as tf.Tensor2D[];
  const dcFromH = tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc))) as tf.Tensor2D;
  const dc = (dcNext ? tf.add(dcNext, dcFromH) : dcFromH) as tf.Tensor2D;
  const di = tf.mul(tf.mul(dc, g), tf.mul(i, tf.sub(1, i)));
  const df = tf.mul(tf.mul(dc, cPrev), tf.mul(f, tf.sub(1, f)));
  const dg = tf.mul(tf.mul(dc, i), tf.sub(1, tf.square(g)));
  const dO = tf.mul(tf.mul(dh, tc), tf.mul(o, tf.sub(1, o)));
  return { dz: tf.concat([di, df, dg, dO], 1) as tf.Tensor2D, dc, f };
}

export function lstmSequenceDevice(x: tf.Tensor2D, kernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D, opts: DeviceLstmOptions): tf.Tensor2D {
  const T = opts.steps;
  const B = opts.batch;
  const D = kernel.shape[0];
  const H = recurrentKernel.shape[0];
  if (x.shape[0] !== T * B || x.shape[1] !== D) throw new Error(`lstmSequenceDevice: x is [${x.shape}], expected [${T * B}, ${D}]`);
  if (tf.getBackend() === 'webgpu' && opts.fused !== false) {
    const kernels = opts.kernels ?? (process.env.LSTM_COMPLETE_LSTM_KERNELS === 'step' ? 'step' : 'sequence');
    const whole = kernels === 'sequence' ? lstmSequenceWhole(x, kernel, recurrentKernel, bias, opts) : undefined;
    return whole ?? lstmSequenceFused(x, kernel, recurrentKernel, bias, opts);
  }

  const op = customOp((xT: tf.Tensor, W: tf.Tensor, U: tf.Tensor, bT: tf.Tensor, save: tf.GradSaveFunc) => {
    const h0 = opts.initial?.h ?? tf.zeros([B, H]);
    const c0 = opts.initial?.c ?? tf.zeros([B, H]);
    const xw = tf.add(tf.matMul(xT as tf.Tensor2D, W as tf.Tensor2D), bT); // [T*B, 4H]: all input projections at once
    const acts: tf.Tensor2D[] = []; // per step [B, 4H]: i, f, g, o after their activations
    const cs: tf.Tensor2D[] = [];
    const tcs: tf.Tensor2D[] = []; // tanh(c)
    const hs: tf.Tensor2D[] = [];
    let h = h0 as tf.Tensor2D;
    let c = c0 as tf.Tensor2D;
    for (let t = 0; t < T; t++) {
      // One tidy per step: only what the backward pass needs outlives it (peak memory on a GPU).
      const [act, cNew, tc, hNew] = tf.tidy(() => cellStep(tf.slice(xw, [t * B, 0], [B, 4 * H]) as tf.Tensor2D, h, c, U as tf.Tensor2D));
      acts.push(act);
      cs.push(cNew);
      tcs.push(tc);
      hs.push(hNew);
      h = hNew;
      c = cNew;
    }
    xw.dispose();
    const hAll = tf.concat(hs, 0) as tf.Tensor2D;
    if (opts.onFinalState) opts.onFinalState(tf.keep(tf.clone(h)), tf.keep(tf.clone(c)));
    tf.dispose(hs);
    const value = opts.mask ? tf.mul(hAll, opts.mask) : hAll;
    // Intermediates (the input x and the mask too) are freed after the forward pass unless saved.
    const mask = opts.mask ?? tf.ones([1, 1]);
    save([h0, c0, hAll, xT, mask, ...acts, ...cs, ...tcs]);

    const gradFunc = (dyT: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh0, sc0, sHAll, sX, sMask] = saved as tf.Tensor2D[];
      const sActs = saved.slice(5, 5 + T) as tf.Tensor2D[];
      const sCs = saved.slice(5 + T, 5 + 2 * T) as tf.Tensor2D[];
      const sTcs = saved.slice(5 + 2 * T, 5 + 3 * T) as tf.Tensor2D[];
      const dy = opts.mask ? tf.mul(dyT, sMask) : dyT;
      const UT = tf.transpose(U) as tf.Tensor2D;
      const dZs: tf.Tensor2D[] = new Array(T);
      let dhNext: tf.Tensor2D | undefined;
      let dcNext: tf.Tensor2D | undefined;
      for (let t = T - 1; t >= 0; t--) {
        const [dZ, dhN, dcN] = tf.tidy(() => {
          const dyt = tf.slice(dy, [t * B, 0], [B, H]) as tf.Tensor2D;
          const { dz, dc, f } = cellGradient(sActs[t], sTcs[t], t === 0 ? sc0 : sCs[t - 1], dhNext ? (tf.add(dyt, dhNext) as tf.Tensor2D) : dyt, dcNext);
          return t > 0 ? [dz, tf.matMul(dz, UT) as tf.Tensor2D, tf.mul(dc, f) as tf.Tensor2D] : [dz];
        });
        tf.dispose([dhNext, dcNext].filter((x): x is tf.Tensor2D => x !== undefined));
        dZs[t] = dZ;
        dhNext = dhN;
        dcNext = dcN;
      }
      return layerGradients(dZs, sX, W as tf.Tensor2D, sh0, sHAll);
    };
    return { value: value as tf.Tensor2D, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias) as tf.Tensor2D;
}

/** The dropout mask of lstm-op.ts (same generator, same order): 0 where dropped, 1/(1-rate) where kept. */
export function dropoutMask(rows: number, units: number, rate: number, rng: () => number): tf.Tensor2D {
  const keep = 1 / (1 - rate);
  const m = new Float32Array(rows * units);
  for (let i = 0; i < m.length; i++) if (rng() >= rate) m[i] = keep;
  return tf.tensor2d(m, [rows, units]);
}
