/**
 * The device LSTM layer (lstm-op-device.ts) with its cell maths fused into two WebGPU compute shaders, for
 * the webgpu backend. Built from tf ops, a time step dispatches ~17 kernels forward and ~31 backward, and on a
 * GPU each dispatch costs more than its arithmetic at these sizes; fused, a step is 3 kernels forward (matmul,
 * cell, slice of h) and 3 backward (cell, slice of the gate gradients, matmul).
 *
 * Forward cell, one invocation per (row b, unit j): reads the input projection of step t (XW at a uniform
 * offset), h_{t-1}·U and c_{t-1}, writes the packed row [i f g o | c | tanh c | h] ([B, 7H]).
 * Backward cell: reads the packed row of step t, c_{t-1}, dy_t (uniform offset), dh and dc from step t+1,
 * writes [dz_i dz_f dz_g dz_o | dc·f] ([B, 5H]); dc·f is read in place by the next (earlier) step.
 * Same maths as lstm-op.ts; equal to the tf-op version within float32 rounding (tested on Mesa in CI).
 */
import * as tf from '@tensorflow/tfjs-core';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { runProgram, WebGpuProgram } from '../../backends/webgpu-program';
import { customOp } from './custom-op';
import type { DeviceLstmOptions } from './device-lstm-options';
import { layerGradients } from './lstm-layer-grads';
import { layerMatMul } from './gemm-webgpu';

/** Where a [B, H] value sits in a row-major buffer: row b, unit j at b * stride + offset + j. */
interface Strided {
  stride: number;
  offset: number;
}

/** The gate activations in WGSL, shared by the per-step shaders here and the whole-sequence ones. */
export const LSTM_WGSL_FUNCS = `
fn lstmSigmoid(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn lstmTanh(x : f32) -> f32 { let e = exp(2.0 * clamp(x, -15.0, 15.0)); return (e - 1.0) / (e + 1.0); }
`;

function cellProgram(kind: 'fwd' | 'bwd', B: number, H: number, vars: string[], out: number, key: string, body: string): WebGpuProgram {
  const workgroupSize: [number, number, number] = [64, 1, 1];
  const dispatchLayout = webgpu_util.flatDispatchLayout([B * H]);
  return {
    outputShape: [B, out * H],
    shaderKey: `lstm_${kind}_${B}_${H}_${key}`,
    dispatchLayout,
    dispatch: webgpu_util.computeDispatch(dispatchLayout, [B * H], workgroupSize),
    variableNames: vars,
    workgroupSize,
    uniforms: 'offset : i32,',
    size: false,
    getUserCode: () => `${LSTM_WGSL_FUNCS}
      fn main(index : i32) {
        if (index < ${B * H}) {
          let b = index / ${H};
          let j = index - b * ${H};
          ${body}
        }
      }`,
  };
}

function forwardProgram(B: number, H: number, c: Strided): WebGpuProgram {
  return cellProgram(
    'fwd',
    B,
    H,
    ['XW', 'HU', 'C'],
    7,
    `${c.stride}_${c.offset}`,
    `
          let zr = b * ${4 * H};
          let xo = uniforms.offset + zr;
          let ig = lstmSigmoid(XW[xo + j] + HU[zr + j]);
          let fg = lstmSigmoid(XW[xo + ${H} + j] + HU[zr + ${H} + j]);
          let gg = lstmTanh(XW[xo + ${2 * H} + j] + HU[zr + ${2 * H} + j]);
          let og = lstmSigmoid(XW[xo + ${3 * H} + j] + HU[zr + ${3 * H} + j]);
          let c = fg * C[b * ${c.stride} + ${c.offset} + j] + ig * gg;
          let tc = lstmTanh(c);
          let ob = b * ${7 * H} + j;
          setOutputAtIndex(ob, ig);
          setOutputAtIndex(ob + ${H}, fg);
          setOutputAtIndex(ob + ${2 * H}, gg);
          setOutputAtIndex(ob + ${3 * H}, og);
          setOutputAtIndex(ob + ${4 * H}, c);
          setOutputAtIndex(ob + ${5 * H}, tc);
          setOutputAtIndex(ob + ${6 * H}, og * tc);`,
  );
}

function backwardProgram(B: number, H: number, cPrev: Strided, dcNext: Strided): WebGpuProgram {
  return cellProgram(
    'bwd',
    B,
    H,
    ['P', 'CP', 'DY', 'DH', 'DC'],
    5,
    `${cPrev.stride}_${cPrev.offset}_${dcNext.stride}_${dcNext.offset}`,
    `
          let pb = b * ${7 * H} + j;
          let ig = P[pb];
          let fg = P[pb + ${H}];
          let gg = P[pb + ${2 * H}];
          let og = P[pb + ${3 * H}];
          let tc = P[pb + ${5 * H}];
          let cp = CP[b * ${cPrev.stride} + ${cPrev.offset} + j];
          let dh = DY[uniforms.offset + index] + DH[index];
          let dc = DC[b * ${dcNext.stride} + ${dcNext.offset} + j] + dh * og * (1.0 - tc * tc);
          let qb = b * ${5 * H} + j;
          setOutputAtIndex(qb, dc * gg * ig * (1.0 - ig));
          setOutputAtIndex(qb + ${H}, dc * cp * fg * (1.0 - fg));
          setOutputAtIndex(qb + ${2 * H}, dc * ig * (1.0 - gg * gg));
          setOutputAtIndex(qb + ${3 * H}, dh * tc * og * (1.0 - og));
          setOutputAtIndex(qb + ${4 * H}, dc * fg);`,
  );
}

function run(program: WebGpuProgram, inputs: tf.Tensor[], offset: number): tf.Tensor2D {
  return runProgram(program, inputs, [{ type: 'int32', data: [offset] }]);
}

export function lstmSequenceFused(x: tf.Tensor2D, kernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D, opts: DeviceLstmOptions): tf.Tensor2D {
  const T = opts.steps;
  const B = opts.batch;
  const H = recurrentKernel.shape[0];
  const own: Strided = { stride: H, offset: 0 }; // a plain [B, H] tensor
  const packedC: Strided = { stride: 7 * H, offset: 4 * H }; // c inside a forward row
  const packedDc: Strided = { stride: 5 * H, offset: 4 * H }; // dc·f inside a backward row

  const op = customOp((xT: tf.Tensor, W: tf.Tensor, U: tf.Tensor, bT: tf.Tensor, save: tf.GradSaveFunc) => {
    const h0 = opts.initial?.h ?? tf.zeros([B, H]);
    const c0 = opts.initial?.c ?? tf.zeros([B, H]);
    const xw = tf.add(layerMatMul(xT as tf.Tensor2D, W as tf.Tensor2D), bT);
    const packed: tf.Tensor2D[] = [];
    const hs: tf.Tensor2D[] = [];
    let h = h0 as tf.Tensor2D;
    for (let t = 0; t < T; t++) {
      const hu = tf.matMul(h, U as tf.Tensor2D);
      const p = run(forwardProgram(B, H, t === 0 ? own : packedC), [xw, hu, t === 0 ? c0 : packed[t - 1]], t * B * 4 * H);
      hu.dispose();
      h = tf.slice(p, [0, 6 * H], [B, H]);
      packed.push(p);
      hs.push(h);
    }
    xw.dispose();
    const hAll = tf.concat(hs, 0) as tf.Tensor2D;
    if (opts.onFinalState) opts.onFinalState(tf.keep(tf.clone(h)), tf.keep(tf.slice(packed[T - 1], [0, 4 * H], [B, H])));
    tf.dispose(hs);
    const mask = opts.mask ?? tf.ones([1, 1]);
    save([h0, c0, hAll, xT, mask, ...packed]);
    const value = (opts.mask ? tf.mul(hAll, opts.mask) : hAll) as tf.Tensor2D;

    const gradFunc = (dyT: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh0, sc0, sHAll, sX, sMask] = saved as tf.Tensor2D[];
      const sPacked = saved.slice(5) as tf.Tensor2D[];
      const dy = opts.mask ? tf.mul(dyT, sMask) : dyT;
      const UT = tf.transpose(U) as tf.Tensor2D;
      const zeros = tf.zeros([B, H]);
      const dZs: tf.Tensor2D[] = new Array(T);
      let dh: tf.Tensor2D = zeros as tf.Tensor2D;
      let next: tf.Tensor2D | undefined; // the backward row of step t+1 (holds dc·f)
      for (let t = T - 1; t >= 0; t--) {
        const q = run(
          backwardProgram(B, H, t === 0 ? own : packedC, next ? packedDc : own),
          [sPacked[t], t === 0 ? sc0 : sPacked[t - 1], dy, dh, next ?? zeros],
          t * B * H,
        );
        const dZ = tf.slice(q, [0, 0], [B, 4 * H]) as tf.Tensor2D;
        dZs[t] = dZ;
        if (dh !== zeros) dh.dispose();
        next?.dispose();
        if (t > 0) dh = tf.matMul(dZ, UT);
        next = q;
      }
      next?.dispose();
      return layerGradients(dZs, sX, W as tf.Tensor2D, sh0, sHAll);
    };
    return { value, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias) as tf.Tensor2D;
}
