/**
 * The device LSTM layer as two WebGPU dispatches per layer and pass: one for the whole forward sequence, one for
 * the whole backward sequence. The step version (lstm-webgpu.ts) dispatches 3 kernels per time step and
 * direction, and on a real GPU each dispatch (bind group, uniforms, scheduling: ~0.1-0.5 ms measured through
 * tfjs-webgpu on an H200) costs more than its arithmetic; at 512 x 256 that was ~1,500 dispatches a layer.
 *
 * Why one dispatch can hold a whole sequence: the recurrence couples the units of a row, never two rows. So a
 * workgroup owns R rows of the batch and all H units of them, keeps h_{t-1} (forward) or dz_t, dh and dc
 * (backward) in workgroup memory, and walks the time steps itself with a workgroup barrier between them; no
 * grid-wide sync is needed. Each thread owns units j, j + WG, ...; the recurrent weights (1 MB at H = 256) are
 * read from the GPU's cache every step, shared by the workgroup's R rows.
 *
 * Forward writes the same packed rows as the step version: [i f g o | c | tanh c | h] per (t, b), [T*B, 7H].
 * Backward writes dz = [dz_i dz_f dz_g dz_o] per (t, b), [T*B, 4H], which is what the weight gradients need.
 * Same maths as lstm-op.ts; the tests compare both with the tf-op layer on Mesa (CI) within float32 rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { runProgram, storageBindingLimit, workgroupStorageLimit, WebGpuProgram } from '../../backends/webgpu-program';
import { customOp } from './custom-op';
import type { DeviceLstmOptions } from './device-lstm-options';
import { layerGradients } from './lstm-layer-grads';
import { layerMatMul } from './gemm-webgpu';
import { LSTM_WGSL_FUNCS } from './lstm-webgpu';

/** Threads per workgroup: enough for H units in one pass where possible (at most 256, WebGPU's default cap). */
function workgroupThreads(H: number): number {
  let wg = 32;
  while (wg < H && wg < 256) wg *= 2;
  return wg;
}

/**
 * Rows per workgroup: more rows share each read of the recurrent weights, fewer leave the GPU's cores idle.
 * Aim for ~128 workgroups (an H200 has 132 SMs), at most 4 rows, and within the workgroup memory limit.
 */
export function rowsPerWorkgroup(B: number, floatsPerRow: number, storageLimitBytes: number): number {
  let r = Math.max(1, Math.min(4, Math.floor(B / 128)));
  while (r > 1 && r * floatsPerRow * 4 > storageLimitBytes) r--;
  return r * floatsPerRow * 4 <= storageLimitBytes ? r : 0;
}

function programShell(
  name: string,
  key: string,
  outputShape: number[],
  vars: string[],
  groups: number,
  wg: number,
  code: string,
  uniforms?: string,
): WebGpuProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    outputShape,
    shaderKey: `${name}_${key}`,
    dispatchLayout: webgpu_util.flatDispatchLayout([size]),
    dispatch: [groups, 1, 1],
    variableNames: vars,
    workgroupSize: [wg, 1, 1],
    uniforms,
    size: false,
    getUserCode: () => code,
  };
}

/** For r in 0..R-1: the snippet with ${r} replaced (R is small; unrolled so accumulators stay in registers). */
const unroll = (R: number, f: (r: number) => string) => Array.from({ length: R }, (_, r) => f(r)).join('\n');

/** The forward sequence: inputs XW [T*B, 4H] (bias included), U [H, 4H], H0 and C0 [B, H]; output [T*B, 7H]. */
export function forwardWebGpuProgram(T: number, B: number, H: number, R: number): WebGpuProgram {
  const wg = workgroupThreads(H);
  const upt = Math.ceil(H / wg); // units per thread
  const G = 4 * H;
  const code = `${LSTM_WGSL_FUNCS}
    var<workgroup> hs : array<f32, ${R * H}>;
    fn main(index : i32) {
      _ = uniforms.outShape; // tfjs binds its uniforms: the auto layout drops a binding the shader never reads
      let b0 = i32(workgroupId.x) * ${R};
      let lid = i32(localIndex);
      for (var e = lid; e < ${R * H}; e = e + ${wg}) {
        let r = e / ${H};
        let b = min(b0 + r, ${B - 1});
        hs[e] = H0[b * ${H} + e - r * ${H}];
      }
      workgroupBarrier();
      for (var t = 0; t < ${T}; t = t + 1) {
        var hn : array<f32, ${R * upt}>;
        for (var k = 0; k < ${upt}; k = k + 1) {
          let j = min(lid + k * ${wg}, ${H - 1});
          ${unroll(
            R,
            (r) => `
          let xo${r} = (t * ${B} + min(b0 + ${r}, ${B - 1})) * ${G} + j;
          var a${r} = vec4<f32>(XW[xo${r}], XW[xo${r} + ${H}], XW[xo${r} + ${2 * H}], XW[xo${r} + ${3 * H}]);`,
          )}
          for (var q = 0; q < ${H}; q = q + 1) {
            let uo = q * ${G} + j;
            let u = vec4<f32>(U[uo], U[uo + ${H}], U[uo + ${2 * H}], U[uo + ${3 * H}]);
            ${unroll(R, (r) => `a${r} = a${r} + hs[${r * H} + q] * u;`)}
          }
          ${unroll(
            R,
            (r) => `
          {
            let b = b0 + ${r};
            let bc = min(b, ${B - 1});
            let ig = lstmSigmoid(a${r}.x);
            let fg = lstmSigmoid(a${r}.y);
            let gg = lstmTanh(a${r}.z);
            let og = lstmSigmoid(a${r}.w);
            var cp = 0.0;
            if (t == 0) { cp = C0[bc * ${H} + j]; } else { cp = result[((t - 1) * ${B} + bc) * ${7 * H} + ${4 * H} + j]; }
            let c = fg * cp + ig * gg;
            let tc = lstmTanh(c);
            let h = og * tc;
            hn[k * ${R} + ${r}] = h;
            if (b < ${B} && lid + k * ${wg} < ${H}) {
              let ob = (t * ${B} + b) * ${7 * H} + j;
              result[ob] = ig;
              result[ob + ${H}] = fg;
              result[ob + ${2 * H}] = gg;
              result[ob + ${3 * H}] = og;
              result[ob + ${4 * H}] = c;
              result[ob + ${5 * H}] = tc;
              result[ob + ${6 * H}] = h;
            }
          }`,
          )}
        }
        workgroupBarrier();
        for (var k = 0; k < ${upt}; k = k + 1) {
          let j = lid + k * ${wg};
          if (j < ${H}) {
            ${unroll(R, (r) => `hs[${r * H} + j] = hn[k * ${R} + ${r}];`)}
          }
        }
        storageBarrier();
        workgroupBarrier();
      }
    }`;
  return programShell('lstm_seq_fwd', `${T}_${B}_${H}_${R}`, [T * B, 7 * H], ['XW', 'U', 'H0', 'C0'], Math.ceil(B / R), wg, code);
}

/**
 * The backward sequence: inputs P (the forward's packed rows), C0 [B, H], DY [T*B, H] (the gradient reaching
 * the layer's output, mask applied), UT [4H, H] (U transposed, so the threads of a workgroup read it
 * coalesced); output dz [T*B, 4H]. dh and dc flow from step t to t-1 in workgroup memory.
 */
export function backwardWebGpuProgram(T: number, B: number, H: number, R: number): WebGpuProgram {
  const wg = workgroupThreads(H);
  const upt = Math.ceil(H / wg);
  const G = 4 * H;
  const code = `${LSTM_WGSL_FUNCS}
    var<workgroup> dzs : array<f32, ${R * G}>;
    var<workgroup> dhs : array<f32, ${R * H}>;
    var<workgroup> dcs : array<f32, ${R * H}>;
    fn main(index : i32) {
      _ = uniforms.outShape; // tfjs binds its uniforms: the auto layout drops a binding the shader never reads
      let b0 = i32(workgroupId.x) * ${R};
      let lid = i32(localIndex);
      for (var e = lid; e < ${R * H}; e = e + ${wg}) { dhs[e] = 0.0; dcs[e] = 0.0; }
      workgroupBarrier();
      for (var t = ${T - 1}; t >= 0; t = t - 1) {
        for (var k = 0; k < ${upt}; k = k + 1) {
          let j = lid + k * ${wg};
          if (j < ${H}) {
            ${unroll(
              R,
              (r) => `
            {
              let b = b0 + ${r};
              let bc = min(b, ${B - 1});
              let pb = (t * ${B} + bc) * ${7 * H} + j;
              let ig = P[pb];
              let fg = P[pb + ${H}];
              let gg = P[pb + ${2 * H}];
              let og = P[pb + ${3 * H}];
              let tc = P[pb + ${5 * H}];
              var cp = 0.0;
              if (t == 0) { cp = C0[bc * ${H} + j]; } else { cp = P[((t - 1) * ${B} + bc) * ${7 * H} + ${4 * H} + j]; }
              let dh = DY[(t * ${B} + bc) * ${H} + j] + dhs[${r * H} + j];
              let dc = dcs[${r * H} + j] + dh * og * (1.0 - tc * tc);
              var dzi = dc * gg * ig * (1.0 - ig);
              var dzf = dc * cp * fg * (1.0 - fg);
              var dzg = dc * ig * (1.0 - gg * gg);
              var dzo = dh * tc * og * (1.0 - og);
              dcs[${r * H} + j] = dc * fg;
              if (b < ${B}) {
                let qb = (t * ${B} + b) * ${G} + j;
                result[qb] = dzi;
                result[qb + ${H}] = dzf;
                result[qb + ${2 * H}] = dzg;
                result[qb + ${3 * H}] = dzo;
              } else {
                dzi = 0.0; dzf = 0.0; dzg = 0.0; dzo = 0.0;
              }
              dzs[${r * G} + j] = dzi;
              dzs[${r * G + H} + j] = dzf;
              dzs[${r * G + 2 * H} + j] = dzg;
              dzs[${r * G + 3 * H} + j] = dzo;
            }`,
            )}
          }
        }
        workgroupBarrier();
        if (t > 0) {
          for (var k = 0; k < ${upt}; k = k + 1) {
            let j = lid + k * ${wg};
            if (j < ${H}) {
              ${unroll(R, (r) => `var s${r} = 0.0;`)}
              for (var m = 0; m < ${G}; m = m + 1) {
                let u = UT[m * ${H} + j];
                ${unroll(R, (r) => `s${r} = s${r} + dzs[${r * G} + m] * u;`)}
              }
              ${unroll(R, (r) => `dhs[${r * H} + j] = s${r};`)}
            }
          }
        }
        workgroupBarrier();
      }
    }`;
  return programShell('lstm_seq_bwd', `${T}_${B}_${H}_${R}`, [T * B, G], ['P', 'C0', 'DY', 'UT'], Math.ceil(B / R), wg, code);
}

/**
 * The dropout mask of lstm-op-device.ts's dropoutMask, computed on the GPU: mulberry32's n-th output depends
 * only on its state plus n times its increment, so the GPU computes every value from the state the host
 * generator had (`a0`) and the host generator skips ahead by rows * units. Same values, bit for bit, without
 * drawing and uploading 33 million numbers a layer at 512 x 256.
 */
export function dropoutMaskProgram(rows: number, units: number): WebGpuProgram {
  const n = rows * units;
  const wg = 256;
  const code = `
    fn main(index : i32) {
      if (index < ${n}) {
        var a = u32(uniforms.a0) + (u32(index) + 1u) * 0x6d2b79f5u;
        var t = a;
        t = (t ^ (t >> 15u)) * (t | 1u);
        t = t ^ (t + (t ^ (t >> 7u)) * (t | 61u));
        let u = t ^ (t >> 14u);
        result[index] = select(0.0, uniforms.keep, u >= u32(uniforms.thr));
      }
    }`;
  const p = programShell('lstm_dropout', `${rows}_${units}`, [rows, units], [], Math.ceil(n / wg), wg, code, 'a0 : i32, thr : i32, keep : f32,');
  p.dispatch = webgpu_util.computeDispatch(p.dispatchLayout, [n], [wg, 1, 1]) as [number, number, number];
  return p;
}

/** Runs dropoutMaskProgram from a generator state `a0` (the value mulberry32 holds before the mask's draws). */
export function dropoutMaskWebGpu(rows: number, units: number, rate: number, a0: number): tf.Tensor2D {
  const thr = Math.ceil(rate * 4294967296); // rng() >= rate  <=>  u >= ceil(rate * 2^32), u an integer
  return runProgram(
    dropoutMaskProgram(rows, units),
    [],
    [
      { type: 'int32', data: [a0 | 0] },
      { type: 'int32', data: [thr | 0] },
      { type: 'float32', data: [1 / (1 - rate)] },
    ],
  );
}

/**
 * The layer with the sequence programs, or undefined when this device's workgroup memory cannot hold even one
 * row, or it cannot bind the whole sequence's packed rows (the caller then uses the step version).
 */
export function lstmSequenceWhole(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  opts: DeviceLstmOptions,
): tf.Tensor2D | undefined {
  const T = opts.steps;
  const B = opts.batch;
  const H = recurrentKernel.shape[0];
  const limit = workgroupStorageLimit();
  const rf = rowsPerWorkgroup(B, H, limit);
  const rb = rowsPerWorkgroup(B, 6 * H, limit);
  if (rf === 0 || rb === 0) return undefined;
  // The packed forward rows of the whole sequence are one buffer ([T*B, 7H]; 940 MB at 512 x 256 x 256 units):
  // where the device cannot bind that much, the step kernels (one [B, 7H] buffer per step) run instead.
  if (T * B * 7 * H * 4 > storageBindingLimit()) return undefined;
  const op = customOp((xT: tf.Tensor, W: tf.Tensor, U: tf.Tensor, bT: tf.Tensor, save: tf.GradSaveFunc) => {
    const h0 = opts.initial?.h ?? tf.zeros([B, H]);
    const c0 = opts.initial?.c ?? tf.zeros([B, H]);
    const xw = tf.add(layerMatMul(xT as tf.Tensor2D, W as tf.Tensor2D), bT);
    const packed = runProgram(forwardWebGpuProgram(T, B, H, rf), [xw, U, h0, c0]);
    xw.dispose();
    const hAll = tf.slice(packed, [0, 6 * H], [T * B, H]);
    if (opts.onFinalState) {
      const last = tf.slice(packed, [(T - 1) * B, 0], [B, 7 * H]);
      opts.onFinalState(tf.keep(tf.slice(last, [0, 6 * H], [B, H])), tf.keep(tf.slice(last, [0, 4 * H], [B, H])));
      last.dispose();
    }
    const mask = opts.mask ?? tf.ones([1, 1]);
    save([h0, c0, hAll, xT, mask, packed]);
    const value = (opts.mask ? tf.mul(hAll, opts.mask) : hAll) as tf.Tensor2D;
    const gradFunc = (dyT: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh0, sc0, sHAll, sX, sMask, sPacked] = saved as tf.Tensor2D[];
      const dy = opts.mask ? tf.mul(dyT, sMask) : dyT;
      const UT = tf.transpose(U);
      const dZ = runProgram(backwardWebGpuProgram(T, B, H, rb), [sPacked, sc0, dy as tf.Tensor, UT]);
      UT.dispose();
      if (dy !== dyT) dy.dispose();
      return layerGradients(dZ, sX, W as tf.Tensor2D, sh0, sHAll);
    };
    return { value, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias) as tf.Tensor2D;
}
