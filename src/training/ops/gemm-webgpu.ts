/**
 * A tiled matrix multiply for the webgpu backend, for the LSTM layers' large products (input projections and
 * the weight gradients over all time steps). tfjs-webgpu's generic matmul measured ~0.6 TFLOP/s at 1024³ on an
 * H200, and at 512 x 256 a training step spends ~0.4 TFLOP in such products.
 *
 * The classic register-blocked SGEMM: a workgroup computes a BM x BN tile of C, stepping through K in slices of
 * BK that its threads first copy into workgroup memory; each thread accumulates a TM x TN block in registers,
 * its rows and columns interleaved (row i*WY + ty, column j*WX + tx) so that reads of workgroup memory are
 * broadcast or consecutive and writes to C are coalesced. Either operand may be read transposed in place
 * (xᵀ·dZ and dZ·Wᵀ need no transpose pass). When C has too few tiles to fill the GPU (the weight gradients:
 * 256 x 1024 from K = T·B = 131,072), K is split over S workgroups per tile and the S partial products summed.
 * Every loop has a constant trip count: WGSL requires barriers in uniform control flow.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runProgram, WebGpuProgram } from '../../backends/webgpu-program';

export interface GemmTiling {
  BM: number;
  BN: number;
  BK: number;
  TM: number;
  TN: number;
}

/** Tilings the device benchmark compares; the first is the default. */
export const GEMM_TILINGS: Record<string, GemmTiling> = {
  '128x128x8x8x8': { BM: 128, BN: 128, BK: 8, TM: 8, TN: 8 },
  '64x64x8x4x4': { BM: 64, BN: 64, BK: 8, TM: 4, TN: 4 },
  '128x64x8x8x4': { BM: 128, BN: 64, BK: 8, TM: 8, TN: 4 },
  '64x128x16x4x8': { BM: 64, BN: 128, BK: 16, TM: 4, TN: 8 },
};

export function tilingName(t: GemmTiling): string {
  return `${t.BM}x${t.BN}x${t.BK}x${t.TM}x${t.TN}`;
}

/**
 * The loop that copies one operand's BK-deep slice into workgroup memory, `Xs[kk * width + i]`, zero outside
 * the matrix. Stored [rows, K] (`kMajor` false) or [K, rows]; consecutive threads take consecutive addresses.
 */
function tileCopy(X: string, width: number, rows: number, K: number, BK: number, NT: number, kMajor: boolean, base: string): string {
  return `
        for (var e = tid; e < ${width * BK}; e = e + ${NT}) {
          ${kMajor ? `let kk = e / ${width}; let i = e - kk * ${width};` : `let i = e / ${BK}; let kk = e - i * ${BK};`}
          let gi = ${base} + i;
          let gk = k0 + kk;
          var v = 0.0;
          if (gi < ${rows} && gk < kEnd) { v = ${X}[${kMajor ? `gk * ${rows} + gi` : `gi * ${K} + gk`}]; }
          ${X}s[kk * ${width} + i] = v;
        }`;
}

/** How many slices of K each tile of C is split into, so that ~2 workgroups per SM of a large GPU have work. */
export function splitK(M: number, N: number, K: number, t: GemmTiling): number {
  const tiles = Math.ceil(M / t.BM) * Math.ceil(N / t.BN);
  if (tiles >= 256) return 1;
  return Math.max(1, Math.min(Math.ceil(256 / tiles), Math.floor(K / (16 * t.BK))));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function gemmProgram(M: number, N: number, K: number, transA: boolean, transB: boolean, t: GemmTiling, S: number): WebGpuProgram {
  const { BM, BN, BK, TM, TN } = t;
  const WX = BN / TN;
  const WY = BM / TM;
  const NT = WX * WY;
  const chunk = Math.ceil(Math.ceil(K / S) / BK) * BK;
  const iters = chunk / BK;
  const grid = (f: (i: number, j: number) => string, sep: string) =>
    range(TM)
      .map((i) =>
        range(TN)
          .map((j) => f(i, j))
          .join(' '),
      )
      .join(sep);
  const code = `
    var<workgroup> As : array<f32, ${BK * BM}>;
    var<workgroup> Bs : array<f32, ${BK * BN}>;
    fn main(index : i32) {
      _ = uniforms.outShape;
      let tx = i32(localId.x);
      let ty = i32(localId.y);
      let tid = ty * ${WX} + tx;
      let n0 = i32(workgroupId.x) * ${BN};
      let m0 = i32(workgroupId.y) * ${BM};
      let kBegin = i32(workgroupId.z) * ${chunk};
      let kEnd = min(${K}, kBegin + ${chunk});
      ${grid((i, j) => `var c${i}_${j} = 0.0;`, '\n      ')}
      for (var it = 0; it < ${iters}; it = it + 1) {
        let k0 = kBegin + it * ${BK};
        ${tileCopy('A', BM, M, K, BK, NT, transA, 'm0')}
        ${tileCopy('B', BN, N, K, BK, NT, !transB, 'n0')}
        workgroupBarrier();
        for (var kk = 0; kk < ${BK}; kk = kk + 1) {
          ${range(TM)
            .map((i) => `let a${i} = As[kk * ${BM} + ${i * WY} + ty];`)
            .join(' ')}
          ${range(TN)
            .map((j) => `let b${j} = Bs[kk * ${BN} + ${j * WX} + tx];`)
            .join(' ')}
          ${grid((i, j) => `c${i}_${j} = fma(a${i}, b${j}, c${i}_${j});`, '\n          ')}
        }
        workgroupBarrier();
      }
      let base = i32(workgroupId.z) * ${M * N};
      ${grid((i, j) => `{ let m = m0 + ${i * WY} + ty; let n = n0 + ${j * WX} + tx; if (m < ${M} && n < ${N}) { result[base + m * ${N} + n] = c${i}_${j}; } }`, '\n      ')}
    }`;
  return {
    outputShape: [S * M, N],
    shaderKey: `lstm_gemm_${M}_${N}_${K}_${transA}_${transB}_${tilingName(t)}_${S}`,
    dispatchLayout: { x: [0, 1] }, // flat: tfjs then calls main(index), unused here
    dispatch: [Math.ceil(N / BN), Math.ceil(M / BM), S],
    variableNames: ['A', 'B'],
    workgroupSize: [WX, WY, 1],
    size: false,
    getUserCode: () => code,
  };
}

/** The tiling in use: LSTM_COMPLETE_GEMM names one of GEMM_TILINGS, or 'tfjs' for tfjs's own matmul. */
export function chosenTiling(): GemmTiling | undefined {
  const v = process.env.LSTM_COMPLETE_GEMM;
  if (v === undefined || v === '') return Object.values(GEMM_TILINGS)[0];
  return GEMM_TILINGS[v];
}

/** C = op(A)·op(B) with the tiled program: op(A) is [M, K], op(B) is [K, N]. */
export function gemm(a: tf.Tensor2D, b: tf.Tensor2D, transA = false, transB = false, tiling = chosenTiling() ?? GEMM_TILINGS['128x128x8x8x8']): tf.Tensor2D {
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : a.shape;
  const [K2, N] = transB ? [b.shape[1], b.shape[0]] : b.shape;
  if (K !== K2) throw new Error(`gemm: inner sizes differ (${K} vs ${K2})`);
  const S = splitK(M, N, K, tiling);
  const c = runProgram(gemmProgram(M, N, K, transA, transB, tiling, S), [a, b]);
  if (S === 1) return c;
  const sum = tf.tidy(() => tf.sum(tf.reshape(c, [S, M, N]), 0) as tf.Tensor2D);
  c.dispose();
  return sum;
}

/**
 * The matmul the LSTM layers use for their large products: the tiled program on webgpu (unless
 * LSTM_COMPLETE_GEMM=tfjs), tfjs's matMul elsewhere.
 */
export function layerMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transA = false, transB = false): tf.Tensor2D {
  const tiling = tf.getBackend() === 'webgpu' ? chosenTiling() : undefined;
  if (tiling) return gemm(a, b, transA, transB, tiling);
  return tf.matMul(transA ? tf.transpose(a) : a, transB ? tf.transpose(b) : b) as tf.Tensor2D;
}
