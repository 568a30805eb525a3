/**
 * A tiny WebAssembly SIMD kernel for batch-1 inference: `gemv` adds x·W to an output vector, where W is
 * packed in column blocks of BLOCK floats ([nBlocks][K][BLOCK]) so the inner loop streams memory in order;
 * `gates` turns an LSTM layer's gate pre-activations into its new cell and output, four units at a time.
 * The module is assembled here from its bytes (a few hundred instructions), so it needs no toolchain and no
 * file next to the bundle. tfjs ops cost ~10-20 µs of dispatch each, which puts a floor of ~0.3 ms on a
 * per-character LSTM step made of them; this kernel does the same maths with none of that overhead.
 */

/** Floats per column block: 8 f32x4 accumulators held in locals. */
export const BLOCK = 32;
const VECS = BLOCK / 4;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32const = (v: number) => [0x41, ...sleb(v)];
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_EQZ = 0x45;
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)];
const v128store = (offset: number) => [...simd(0x0b), 4, ...uleb(offset)];
const f32load = (offset: number) => [0x2a, 2, ...uleb(offset)];
const F32X4_SPLAT = simd(0x13);
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F32X4_DIV = simd(0xe7);
const F32X4_MIN = simd(0xe8);
const F32X4_MAX = simd(0xe9);
const F32 = 0x7d;
const V128_LOAD32_SPLAT = (offset: number) => [...simd(0x09), 2, ...uleb(offset)];
const I32X4_ADD = simd(0xae);
const I32X4_DOT_I16X8_S = simd(0xba);
const I16X8_NARROW_I32X4_S = simd(0x85);
const I32X4_TRUNC_SAT_F32X4_S = simd(0xf8);
const F32X4_CONVERT_I32X4_S = simd(0xfa);
const F32X4_NEAREST = simd(0x6a);
/** v128.const holding the float32 nearest v in all four lanes. */
function f32x4const(v: number): number[] {
  const lane = Array.from(new Uint8Array(new Float32Array([v]).buffer));
  return [...simd(0x0c), ...lane, ...lane, ...lane, ...lane];
}

/** local += bytes (a pointer stepping on). */
const advance = (local: number, bytes: number) => [...get(local), ...i32const(bytes), I32_ADD, ...set(local)];
/** local -= 1 (a loop counter). */
const countDown = (local: number) => [...get(local), ...i32const(1), I32_SUB, ...set(local)];

/** How gemv and gemv16 differ inside the loop they share (blockProductBody). */
interface BlockProduct {
  /** i32 parameters: x, w, out, k steps, blocks, then any of the kernel's own. */
  params: number;
  /** Pushes accumulator m's starting value; `out` is the block's output pointer. */
  start: (m: number, out: number) => number[];
  /** With the step's input pointer pushed, leaves that step's input broadcast as a v128. */
  broadcast: number[];
  /** Stack: accumulator, broadcast input, 4 columns of w; leaves the new accumulator. */
  multiplyAdd: number[];
  /** Stores accumulator m (`acc`) into the block's output at `out`. */
  end: (m: number, acc: number, out: number) => number[];
  /** Moves the kernel's own pointers on to the next block. */
  nextBlock: number[];
}

/**
 * The loop gemv and gemv16 share: for each block of BLOCK output columns, VECS accumulators run over the
 * packed weights' k steps (4 bytes of x and 4·BLOCK bytes of w a step: one float32 input, or a pair of int16),
 * then go to out.
 */
function blockProductBody(p: BlockProduct): number[] {
  const [X, W, OUT, K, NB] = [0, 1, 2, 3, 4];
  // Locals after the params: k, xp (i32); xv, then the accumulators (v128).
  const [k, xp, xv] = [p.params, p.params + 1, p.params + 2];
  const acc = (m: number) => p.params + 3 + m;
  const code: number[] = [];
  code.push(0x02, 0x40); // block $done
  code.push(0x03, 0x40); // loop $blocks
  code.push(...get(NB), I32_EQZ, 0x0d, 1); // br_if $done
  for (let m = 0; m < VECS; m++) code.push(...p.start(m, OUT), ...set(acc(m)));
  code.push(...get(X), ...set(xp), ...get(K), ...set(k));
  code.push(0x03, 0x40); // loop $inner
  code.push(...get(xp), ...p.broadcast, ...set(xv));
  for (let m = 0; m < VECS; m++) code.push(...get(acc(m)), ...get(xv), ...get(W), ...v128load(16 * m), ...p.multiplyAdd, ...set(acc(m)));
  code.push(...advance(W, 4 * BLOCK), ...advance(xp, 4), ...countDown(k));
  code.push(...get(k), 0x0d, 0); // br_if $inner
  code.push(0x0b); // end $inner
  for (let m = 0; m < VECS; m++) code.push(...p.end(m, acc(m), OUT));
  code.push(...advance(OUT, 4 * BLOCK), ...p.nextBlock, ...countDown(NB));
  code.push(0x0c, 0); // br $blocks
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = vec([
    [...uleb(2), I32],
    [...uleb(1 + VECS), V128],
  ]);
  return [...locals, ...code];
}

/** gemv(x, w, out, K, nBlocks): out[b*BLOCK + j] += sum_k x[k] * w[(b*K + k)*BLOCK + j] (byte pointers). */
function gemvBody(): number[] {
  return blockProductBody({
    params: 5,
    start: (m, out) => [...get(out), ...v128load(16 * m)],
    broadcast: [...f32load(0), ...F32X4_SPLAT],
    multiplyAdd: [...F32X4_MUL, ...F32X4_ADD],
    end: (m, acc, out) => [...get(out), ...get(acc), ...v128store(16 * m)],
    nextBlock: [],
  });
}

/**
 * util/fast-math's tanh (Eigen's float32 rational approximation, the same clamp and coefficients) on the f32x4
 * on top of the stack, leaving the result there; `x`, `x2`, `p`, `q` are scratch v128 locals.
 */
function tanh4(x: number, x2: number, p: number, q: number): number[] {
  const code = [...f32x4const(7.90531110763549805), ...F32X4_MIN, ...f32x4const(-7.90531110763549805), ...F32X4_MAX, ...set(x)];
  code.push(...get(x), ...get(x), ...F32X4_MUL, ...set(x2));
  const poly = (coeffs: number[], into: number) => {
    code.push(...f32x4const(coeffs[0]));
    for (const c of coeffs.slice(1)) code.push(...get(x2), ...F32X4_MUL, ...f32x4const(c), ...F32X4_ADD);
    code.push(...set(into));
  };
  poly(
    [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3],
    p,
  );
  poly([1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3], q);
  code.push(...get(x), ...get(p), ...F32X4_MUL, ...get(q), ...F32X4_DIV);
  return code;
}

/** The logistic function through tanh, as util/fast-math's sigmoid: 0.5 + 0.5 * tanh(x / 2). */
function sigmoid4(x: number, x2: number, p: number, q: number): number[] {
  return [...f32x4const(0.5), ...F32X4_MUL, ...tanh4(x, x2, p, q), ...f32x4const(0.5), ...F32X4_MUL, ...f32x4const(0.5), ...F32X4_ADD];
}

/**
 * gates(z, c, h, n, stride): for n groups of four units, with the gate pre-activations i, f, g, o at z,
 * z + stride, z + 2·stride, z + 3·stride (stride: 4 bytes per unit of the layer; Keras order):
 * c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c), written in place at c and h (byte pointers).
 */
function gatesBody(): number[] {
  const [Z, C, H, N, S1, S2, S3] = [0, 1, 2, 3, 4, 5, 6];
  const [vi, vf, vg, vo, vc, x, x2, p, q] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const scratch = [x, x2, p, q] as const;
  const code: number[] = [];
  code.push(...get(S1), ...get(S1), I32_ADD, ...set(S2));
  code.push(...get(S2), ...get(S1), I32_ADD, ...set(S3));
  code.push(0x02, 0x40); // block $done
  code.push(0x03, 0x40); // loop $units
  code.push(...get(N), I32_EQZ, 0x0d, 1); // br_if $done
  code.push(...get(Z), ...v128load(0), ...sigmoid4(...scratch), ...set(vi));
  code.push(...get(Z), ...get(S1), I32_ADD, ...v128load(0), ...sigmoid4(...scratch), ...set(vf));
  code.push(...get(Z), ...get(S2), I32_ADD, ...v128load(0), ...tanh4(...scratch), ...set(vg));
  code.push(...get(Z), ...get(S3), I32_ADD, ...v128load(0), ...sigmoid4(...scratch), ...set(vo));
  code.push(...get(vf), ...get(C), ...v128load(0), ...F32X4_MUL, ...get(vi), ...get(vg), ...F32X4_MUL, ...F32X4_ADD, ...set(vc));
  code.push(...get(C), ...get(vc), ...v128store(0));
  code.push(...get(H), ...get(vo), ...get(vc), ...tanh4(...scratch), ...F32X4_MUL, ...v128store(0));
  for (const ptr of [Z, C, H]) code.push(...advance(ptr, 16));
  code.push(...countDown(N));
  code.push(0x0c, 0); // br $units
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  // Locals after the 5 i32 params: 5-6 strides (i32); 7.. v128.
  const locals = vec([
    [...uleb(2), I32],
    [...uleb(9), V128],
  ]);
  return [...locals, ...code];
}

/**
 * gemv16(x, w, out, kPairs, nBlocks, scale): the int16 version of gemv. x holds 2·kPairs int16 inputs; w is
 * packed [nBlocks][kPairs][BLOCK][2] int16 (each column's two weights of a pair of inputs side by side, so one
 * i32x4.dot_i16x8_s multiplies and adds 8 of them); the int32 sums of a block are converted, multiplied by
 * the column's float scale (scale: BLOCK floats per block) and added to out, like gemv.
 */
function gemv16Body(): number[] {
  const SCALE = 5;
  return blockProductBody({
    params: 6,
    start: () => f32x4const(0),
    broadcast: V128_LOAD32_SPLAT(0),
    multiplyAdd: [...I32X4_DOT_I16X8_S, ...I32X4_ADD],
    end: (m, acc, out) => [
      ...get(out),
      ...get(out),
      ...v128load(16 * m),
      ...get(acc),
      ...F32X4_CONVERT_I32X4_S,
      ...get(SCALE),
      ...v128load(16 * m),
      ...F32X4_MUL,
      ...F32X4_ADD,
      ...v128store(16 * m),
    ],
    nextBlock: advance(SCALE, 4 * BLOCK),
  });
}

/** quantize(src, dst, groups, scale): 8·groups floats at src to int16 at dst, round(v · scale), saturating. */
function quantizeBody(): number[] {
  const [SRC, DST, N, S, sv] = [0, 1, 2, 3, 4];
  const code: number[] = [];
  code.push(...get(S), ...F32X4_SPLAT, ...set(sv));
  code.push(0x02, 0x40, 0x03, 0x40);
  code.push(...get(N), I32_EQZ, 0x0d, 1);
  code.push(...get(DST));
  for (const off of [0, 16]) code.push(...get(SRC), ...v128load(off), ...get(sv), ...F32X4_MUL, ...F32X4_NEAREST, ...I32X4_TRUNC_SAT_F32X4_S);
  code.push(...I16X8_NARROW_I32X4_S, ...v128store(0));
  code.push(...advance(SRC, 32), ...advance(DST, 16), ...countDown(N));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  return [...vec([[...uleb(1), V128]]), ...code];
}

function assemble(): Uint8Array {
  const bodies = [gemvBody(), gatesBody(), gemv16Body(), quantizeBody()];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(
      1,
      vec([
        [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0x00],
        [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0x00],
        [0x60, ...vec([[I32], [I32], [I32], [F32]]), 0x00],
      ]),
    ),
    ...section(3, vec([[0], [0], [1], [2]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        [...name('gemv'), 0x00, 0],
        [...name('gates'), 0x00, 1],
        [...name('gemv16'), 0x00, 2],
        [...name('quantize'), 0x00, 3],
      ]),
    ),
    ...section(10, vec(bodies.map((body) => [...uleb(body.length), ...body]))),
  ];
  return new Uint8Array(bytes);
}

export interface GemvKernel {
  memory: WebAssembly.Memory;
  gemv(x: number, w: number, out: number, k: number, nBlocks: number): void;
  /** An LSTM cell update for 4·groups units (see gatesBody); byte pointers into memory, stride in bytes. */
  gates(z: number, c: number, h: number, groups: number, stride: number): void;
  gemv16(x: number, w: number, out: number, kPairs: number, nBlocks: number, scale: number): void;
  quantize(src: number, dst: number, groups: number, scale: number): void;
}

let compiled: WebAssembly.Module | undefined;

export function createGemvKernel(): GemvKernel {
  compiled ??= new WebAssembly.Module(assemble() as unknown as BufferSource);
  const instance = new WebAssembly.Instance(compiled, {});
  return instance.exports as unknown as GemvKernel;
}

/** Packs a row-major [K, N] matrix into [ceil(N/BLOCK)][K][BLOCK] blocks, zero-padding the last block. */
export function packColumnBlocks(m: Float32Array, K: number, N: number, out: Float32Array): void {
  const nBlocks = Math.ceil(N / BLOCK);
  if (out.length < nBlocks * K * BLOCK) throw new Error('packColumnBlocks: output too small');
  out.fill(0, 0, nBlocks * K * BLOCK);
  for (let b = 0; b < nBlocks; b++) {
    const c0 = b * BLOCK;
    const width = Math.min(BLOCK, N - c0);
    for (let k = 0; k < K; k++) {
      const dst = (b * K + k) * BLOCK;
      const src = k * N + c0;
      for (let j = 0; j < width; j++) out[dst + j] = m[src + j];
    }
  }
}

export const paddedWidth = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/**
 * Packs a row-major [K, N] matrix (K even) for gemv16: [ceil(N/BLOCK)][K/2][BLOCK][2] int16, each column scaled
 * by its own factor, and writes into `scaleOut` (one float per packed column) what turns the column's int32 sum
 * back into x·W for inputs quantized as round(x · inputScale). The factor is the largest that keeps every weight
 * within int16 and the column's sum within int32 for any input of |x| <= 1 (an LSTM's outputs): no sum can wrap,
 * whatever the text.
 */
export function packColumnBlocksInt16(m: Float32Array, K: number, N: number, inputScale: number, out: Int16Array, scaleOut: Float32Array): void {
  if (K % 2) throw new Error('packColumnBlocksInt16: K must be even');
  const nBlocks = Math.ceil(N / BLOCK);
  if (out.length < nBlocks * K * BLOCK || scaleOut.length < nBlocks * BLOCK) throw new Error('packColumnBlocksInt16: output too small');
  out.fill(0, 0, nBlocks * K * BLOCK);
  scaleOut.fill(0, 0, nBlocks * BLOCK);
  for (let c = 0; c < N; c++) {
    let max = 0;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const a = Math.abs(m[k * N + c]);
      if (a > max) max = a;
      sum += a;
    }
    if (max === 0) continue;
    // |sum of q·x| <= inputScale · sum|q| <= inputScale · (scale · sum + K/2), rounding included.
    const scale = Math.min(32767 / max, (2 ** 31 - 1 - (inputScale * K) / 2) / (inputScale * sum));
    scaleOut[c] = 1 / (scale * inputScale);
    const b = Math.floor(c / BLOCK);
    const j = c % BLOCK;
    for (let k = 0; k < K; k++) out[((b * (K / 2) + (k >> 1)) * BLOCK + j) * 2 + (k & 1)] = Math.round(m[k * N + c] * scale);
  }
}
