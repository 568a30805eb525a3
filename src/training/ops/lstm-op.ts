/**
 * A whole LSTM layer over a sequence as one tfjs op with a hand-written gradient (tf.customGrad), for
 * training. Standard BPTT: the input projections of a chunk of time steps are one large matmul; only the
 * recurrent product is done per step; the weight gradients are large matmuls over a chunk of steps. Gate
 * activations and cell states live in plain JS arrays (outside the 4 GB wasm heap), one compact buffer each;
 * the gate maths runs in JS; every matmul runs on the tfjs backend. Matmuls never take a transposed operand
 * (tfjs-wasm falls back to a scalar loop for those): transposes are explicit.
 *
 * Layout is time-major: row t*B + r of x and of the output is time step t of sequence r.
 * Weights are the Keras/tfjs layout: kernel [D, 4H], recurrent kernel [H, 4H], bias [4H], gates i, f, c, o.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op';
import { sigmoid, tanh } from '../../util/fast-math';

export interface LstmState {
  /** [B, H] */
  h: Float32Array;
  /** [B, H] */
  c: Float32Array;
}

export interface LstmSequenceOptions {
  steps: number;
  batch: number;
  /** State before step 0 (zeros if absent); not differentiated (truncated BPTT). */
  initial?: LstmState;
  /** Receives the state after the last step, e.g. to carry it into the next batch. */
  onFinalState?: (s: LstmState) => void;
  /** Time steps per chunk of the large matmuls (memory vs. matmul size). */
  chunk?: number;
  /**
   * Dropout on the output (not on the recurrence), fused into the op: the mask is a byte per value in JS,
   * so no random or mask tensors take room on the backend's heap.
   */
  dropout?: { rate: number; rng: () => number };
  /**
   * False when nothing below needs the gradient of x (the layers under it are frozen): the backward pass skips
   * the chunk products Z·Wᵀ and returns zeros for x.
   */
  inputGradient?: boolean;
}

const EMPTY = new Float32Array(0);

/** Uploads a JS array as a tensor, runs f, downloads the result and frees every tensor involved. */
function matmulJs(a: Float32Array, aShape: [number, number], b: tf.Tensor2D): Float32Array {
  const at = tf.tensor2d(a, aShape);
  const out = tf.matMul(at, b);
  const data = out.dataSync() as Float32Array;
  at.dispose();
  out.dispose();
  return data;
}

/** A layer's sizes: T steps, B rows, D inputs, H units, G = 4H gate values, time steps per chunk. */
interface Dims {
  T: number;
  B: number;
  D: number;
  H: number;
  G: number;
  chunk: number;
}

/** What the forward pass keeps for the backward pass (plain arrays, off the wasm heap). */
interface Saved {
  x: Float32Array;
  h0: Float32Array;
  c0: Float32Array;
  /** Gate activations i, f, g, o per step and row. */
  gates: Float32Array;
  cs: Float32Array;
  hs: Float32Array;
}

/** One time step's gates, cell and output from its input projection (xw at xBase) and recurrent product. */
function cellForward(d: Dims, s: Saved, t: number, xw: Float32Array, xBase: number, rec: Float32Array, cPrev: Float32Array): void {
  const { B, H, G } = d;
  const gBase = t * B * G;
  const sBase = t * B * H;
  for (let r = 0; r < B; r++) {
    const zr = r * G;
    const sr = r * H;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(xw[xBase + zr + j] + rec[zr + j]);
      const fg = sigmoid(xw[xBase + zr + H + j] + rec[zr + H + j]);
      const gg = tanh(xw[xBase + zr + 2 * H + j] + rec[zr + 2 * H + j]);
      const og = sigmoid(xw[xBase + zr + 3 * H + j] + rec[zr + 3 * H + j]);
      const c = fg * cPrev[sr + j] + ig * gg;
      s.gates[gBase + zr + j] = ig;
      s.gates[gBase + zr + H + j] = fg;
      s.gates[gBase + zr + 2 * H + j] = gg;
      s.gates[gBase + zr + 3 * H + j] = og;
      s.cs[sBase + sr + j] = c;
      s.hs[sBase + sr + j] = og * tanh(c);
    }
  }
}

/** The forward pass: each chunk's input projections as one matmul, then step by step the recurrent product and the cell. */
function forward(d: Dims, s: Saved, W: tf.Tensor2D, U: tf.Tensor2D, b: tf.Tensor): void {
  const { T, B, D, H } = d;
  for (let t0 = 0; t0 < T; t0 += d.chunk) {
    const n = Math.min(d.chunk, T - t0);
    const xw = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(s.x.subarray(t0 * B * D, (t0 + n) * B * D), [n * B, D]), W), b));
    const xwData = xw.dataSync() as Float32Array;
    xw.dispose();
    for (let k = 0; k < n; k++) {
      const t = t0 + k;
      const hPrev = t === 0 ? s.h0 : s.hs.subarray((t - 1) * B * H, t * B * H);
      const cPrev = t === 0 ? s.c0 : s.cs.subarray((t - 1) * B * H, t * B * H);
      cellForward(d, s, t, xwData, k * B * d.G, matmulJs(hPrev, [B, H], U), cPrev);
    }
  }
}

/** Dropout on the output: a byte mask per value, drawn in JS (no random or mask tensors on the backend's heap). */
function dropOut(hs: Float32Array, dropout: LstmSequenceOptions['dropout']): { out: Float32Array; mask?: Uint8Array; keepScale: number } {
  if (!dropout || dropout.rate <= 0) return { out: hs, keepScale: 1 };
  const keepScale = 1 / (1 - dropout.rate);
  const mask = new Uint8Array(hs.length);
  const out = new Float32Array(hs.length);
  for (let i = 0; i < out.length; i++) {
    if (dropout.rng() >= dropout.rate) {
      mask[i] = 1;
      out[i] = hs[i] * keepScale;
    }
  }
  return { out, mask, keepScale };
}

/** One time step backwards through the cell: dZ (pre-activation gate gradients) from dy, dh and dc of the step after. */
function cellBackward(d: Dims, s: Saved, t: number, k: number, dy: Float32Array, dhNext: Float32Array, dcNext: Float32Array, dZ: Float32Array): void {
  const { B, H, G } = d;
  const gBase = t * B * G;
  const sBase = t * B * H;
  const cPrev = t === 0 ? s.c0 : s.cs.subarray((t - 1) * B * H, t * B * H);
  for (let r = 0; r < B; r++) {
    const zr = r * G;
    const sr = r * H;
    const dz = k * B * G + zr;
    for (let j = 0; j < H; j++) {
      const ig = s.gates[gBase + zr + j];
      const fg = s.gates[gBase + zr + H + j];
      const gg = s.gates[gBase + zr + 2 * H + j];
      const og = s.gates[gBase + zr + 3 * H + j];
      const tc = tanh(s.cs[sBase + sr + j]);
      const dh = dy[sBase + sr + j] + dhNext[sr + j];
      const dc = dcNext[sr + j] + dh * og * (1 - tc * tc);
      dcNext[sr + j] = dc * fg;
      dZ[dz + j] = dc * gg * ig * (1 - ig);
      dZ[dz + H + j] = dc * cPrev[sr + j] * fg * (1 - fg);
      dZ[dz + 2 * H + j] = dc * ig * (1 - gg * gg);
      dZ[dz + 3 * H + j] = dh * tc * og * (1 - og);
    }
  }
}

/** The outputs h_{t-1} of the n steps from t0, as the rows the recurrent weight gradient multiplies. */
function previousOutputs(d: Dims, s: Saved, t0: number, n: number): Float32Array {
  const { B, H } = d;
  const hPrev = new Float32Array(n * B * H);
  if (t0 === 0) {
    hPrev.set(s.h0, 0);
    hPrev.set(s.hs.subarray(0, (n - 1) * B * H), B * H);
  } else {
    hPrev.set(s.hs.subarray((t0 - 1) * B * H, (t0 + n - 1) * B * H));
  }
  return hPrev;
}

/** Running sums of the weight gradients, kept transposed (Zᵀ·X): tfjs-wasm runs [4H, rows]x[rows, D] at ~27 GFLOP/s, [D, rows]x[rows, 4H] at ~16. */
interface GradSums {
  dWT: tf.Tensor2D;
  dUT: tf.Tensor2D;
  db: tf.Tensor2D;
}

/** Adds one chunk's weight gradients to the sums and, when asked, writes its input gradient (Z·Wᵀ) into dX. */
function addChunkGradients(d: Dims, s: Saved, sums: GradSums, dZ: Float32Array, t0: number, n: number, WT: tf.Tensor2D | undefined, dX: Float32Array): void {
  const { B, D, H, G } = d;
  const rows = n * B;
  const hPrev = previousOutputs(d, s, t0, n);
  const [nW, nU, nb, dXc] = tf.tidy(() => {
    const Z = tf.tensor2d(dZ.subarray(0, rows * G), [rows, G]);
    const ZT = tf.transpose(Z);
    const Xc = tf.tensor2d(s.x.subarray(t0 * B * D, (t0 + n) * B * D), [rows, D]);
    const Hp = tf.tensor2d(hPrev, [rows, H]);
    const next = [tf.add(sums.dWT, tf.matMul(ZT, Xc)), tf.add(sums.dUT, tf.matMul(ZT, Hp)), tf.add(sums.db, tf.matMul(ZT, tf.ones([rows, 1])))];
    return WT ? [...next, tf.matMul(Z, WT)] : next;
  }) as tf.Tensor2D[];
  if (dXc) {
    dX.set(dXc.dataSync() as Float32Array, t0 * B * D);
    dXc.dispose();
  }
  tf.dispose([sums.dWT, sums.dUT, sums.db]);
  [sums.dWT, sums.dUT, sums.db] = [nW, nU, nb];
}

/**
 * Backpropagation through time, chunk by chunk from the end: per step the cell's gradient and the recurrent
 * product dZ·Uᵀ, per chunk the weight (and input) gradients as large matmuls. Returns [dX, dW, dU, db].
 */
function backward(d: Dims, s: Saved, dy: Float32Array, W: tf.Tensor2D, U: tf.Tensor2D, wantDx: boolean): tf.Tensor[] {
  const { T, B, D, H, G, chunk } = d;
  const UT = tf.transpose(U) as tf.Tensor2D; // [4H, H]
  const WT = wantDx ? (tf.transpose(W) as tf.Tensor2D) : undefined; // [4H, D]
  const sums: GradSums = { dWT: tf.zeros([G, D]), dUT: tf.zeros([G, H]), db: tf.zeros([G, 1]) };
  const dX = wantDx ? new Float32Array(T * B * D) : EMPTY;
  const dZ = new Float32Array(chunk * B * G);
  let dhNext: Float32Array = new Float32Array(B * H);
  const dcNext = new Float32Array(B * H);
  for (let t0 = Math.floor((T - 1) / chunk) * chunk; t0 >= 0; t0 -= chunk) {
    const n = Math.min(chunk, T - t0);
    for (let t = t0 + n - 1; t >= t0; t--) {
      const k = t - t0;
      cellBackward(d, s, t, k, dy, dhNext, dcNext, dZ);
      if (t > 0) dhNext = matmulJs(dZ.subarray(k * B * G, (k + 1) * B * G), [B, G], UT);
    }
    addChunkGradients(d, s, sums, dZ, t0, n, WT, dX);
  }
  tf.dispose([UT, ...(WT ? [WT] : [])]);
  const grads = tf.tidy(() => [
    wantDx ? tf.tensor2d(dX, [T * B, D]) : tf.zeros([T * B, D]),
    tf.transpose(sums.dWT),
    tf.transpose(sums.dUT),
    tf.reshape(sums.db, [G]),
  ]);
  tf.dispose([sums.dWT, sums.dUT, sums.db]);
  return grads;
}

export function lstmSequence(x: tf.Tensor2D, kernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D, opts: LstmSequenceOptions): tf.Tensor2D {
  const T = opts.steps;
  const B = opts.batch;
  const D = kernel.shape[0];
  const H = recurrentKernel.shape[0];
  const d: Dims = { T, B, D, H, G: 4 * H, chunk: Math.max(1, Math.min(opts.chunk ?? 16, T)) };
  if (x.shape[0] !== T * B || x.shape[1] !== D) throw new Error(`lstmSequence: x is [${x.shape}], expected [${T * B}, ${D}]`);

  const op = customOp((xT: tf.Tensor, W: tf.Tensor, U: tf.Tensor, bT: tf.Tensor) => {
    const s: Saved = {
      x: xT.dataSync() as Float32Array,
      h0: opts.initial?.h.slice() ?? new Float32Array(B * H),
      c0: opts.initial?.c.slice() ?? new Float32Array(B * H),
      gates: new Float32Array(T * B * d.G),
      cs: new Float32Array(T * B * H),
      hs: new Float32Array(T * B * H),
    };
    forward(d, s, W as tf.Tensor2D, U as tf.Tensor2D, bT);
    opts.onFinalState?.({ h: s.hs.slice((T - 1) * B * H), c: s.cs.slice((T - 1) * B * H) });
    let dropped: ReturnType<typeof dropOut> | undefined = dropOut(s.hs, opts.dropout);
    const value = tf.tensor2d(dropped.out, [T * B, H]);
    const gradFunc = (dyT: tf.Tensor) => {
      const dy = (dyT.dataSync() as Float32Array).slice();
      const { mask, keepScale } = dropped!;
      if (mask) for (let i = 0; i < dy.length; i++) dy[i] = mask[i] ? dy[i] * keepScale : 0;
      const grads = backward(d, s, dy, W as tf.Tensor2D, U as tf.Tensor2D, opts.inputGradient !== false);
      // The backward pass runs once: let the big buffers go before the layer below needs its own.
      s.x = s.gates = s.cs = s.hs = EMPTY;
      dropped = undefined;
      return grads;
    };
    return { value, gradFunc };
  });
  return op(x, kernel, recurrentKernel, bias) as tf.Tensor2D;
}
