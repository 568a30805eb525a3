/**
 * Batch-1 LSTM stepping for inference: advances the state of every layer by one character and computes the
 * next-character logits on demand. The maths is the layers model's (Keras gate order i, f, c, o; sigmoid
 * recurrent activation; tanh). The matrix-vector products and the gate nonlinearities both run in the SIMD
 * kernel, the nonlinearities as util/fast-math's tanh in float32, four units at a time: the gates in JS
 * (float64, one unit at a time) took ~45% of a step, and priming 2,000 characters fell from 192-202 ms to
 * the figure in docs/speed.md when they moved. The first layer's input projection is folded into a
 * [vocab, 4*units] table (embedding · kernel + bias), so a step costs one recurrent product on layer 1 and one
 * [input; state] product per upper layer. Holds no tfjs tensors, so it cannot leak them and works whatever
 * backend training uses.
 */
import { ModelSpec, ModelWeights } from '../model/architecture';
import { sigmoid, tanh } from '../util/fast-math';
import { createGemvKernel, GemvKernel, packColumnBlocks, packColumnBlocksInt16, paddedWidth, BLOCK } from './simd-kernel';

/** How the LSTM layers' products run: float32 (exact to the layers model) or int16 inputs and weights. */
export type StepperPrecision = 'float32' | 'int16';

export interface StepperOptions {
  /**
   * 'int16': the layers' matrix products take their inputs (the layers' outputs, |h| < 1) rounded to multiples
   * of 1/INT16_INPUT_SCALE and their weights rounded per column, and multiply-add them eight at a time
   * (i32x4.dot_i16x8_s): see docs/speed.md for what it buys and costs. The output layer stays float32. A model
   * whose layer sizes are not multiples of 8 steps in float32 whatever is asked.
   */
  precision?: StepperPrecision;
}

/** Inputs of the int16 products are round(h · this). */
export const INT16_INPUT_SCALE = 8192;

/**
 * The precision ghost text runs in (the completion worker, and the replay and keystroke check that measure it).
 * Evaluation, the lab and generation from the CLI step in float32, so their figures are the model's own.
 */
export const SERVING_PRECISION: StepperPrecision = 'int16';

interface LayerPlan {
  units: number;
  /** Input size of the packed matrix (units for layer 0, inputSize + units above). */
  k: number;
  packedOffset: number; // in floats
  nBlocks: number;
  /** int16 precision: float index of the per-column scales (the packed int16 weights are at packedOffset). */
  scaleOffset: number;
  /** Index in the h region of this layer's hidden state. */
  hOffset: number;
  /** Layers above the first start their gate vector from the bias. */
  bias?: Float32Array;
}

export class LstmStepper {
  readonly spec: ModelSpec;
  /** Floats in a state snapshot: h and c of every layer. */
  readonly stateSize: number;
  private readonly kernel: GemvKernel;
  private readonly layers: LayerPlan[];
  private readonly inputTable: Float32Array; // [vocab, 4*units0]
  private readonly denseOffset: number;
  private readonly denseBlocks: number;
  private readonly denseBias: Float32Array;
  private readonly hStart: number; // float index of h region
  private readonly zStart: number;
  private readonly logitsStart: number;
  /** Float index of the cell states (every layer's, in layer order) in the kernel's memory. */
  private readonly cStart: number;
  private readonly totalUnits: number;
  private mem!: Float32Array;

  /** The precision the layers' products run in (float32 when int16 was asked of a model it does not fit). */
  readonly precision: StepperPrecision;
  /** int16 precision: float index of the layers' outputs rounded to int16 (two to a float slot). */
  private readonly h16Start: number;

  constructor(weights: ModelWeights, opts: StepperOptions = {}) {
    const spec = weights.spec;
    this.spec = spec;
    this.kernel = createGemvKernel();
    this.precision = opts.precision === 'int16' && weights.lstm.every((l) => l.units % 8 === 0) ? 'int16' : 'float32';
    const int16 = this.precision === 'int16';
    let floats = 0;
    const layers: LayerPlan[] = [];
    let hOffset = 0;
    weights.lstm.forEach((l, i) => {
      const k = i === 0 ? l.units : l.inputSize + l.units;
      const nBlocks = paddedWidth(4 * l.units) / BLOCK;
      const packedOffset = floats;
      floats += (nBlocks * BLOCK * k) / (int16 ? 2 : 1);
      const scaleOffset = floats;
      if (int16) floats += nBlocks * BLOCK;
      layers.push({ units: l.units, k, packedOffset, scaleOffset, nBlocks, hOffset, bias: i === 0 ? undefined : l.bias });
      hOffset += l.units;
    });
    this.totalUnits = hOffset;
    const last = weights.lstm[weights.lstm.length - 1];
    this.denseOffset = floats;
    this.denseBlocks = paddedWidth(spec.vocabSize) / BLOCK;
    floats += this.denseBlocks * BLOCK * last.units;
    this.hStart = floats;
    floats += this.totalUnits;
    this.zStart = floats;
    floats += Math.max(...layers.map((l) => l.nBlocks * BLOCK));
    this.logitsStart = floats;
    floats += this.denseBlocks * BLOCK;
    this.cStart = floats;
    floats += this.totalUnits;
    this.h16Start = floats;
    if (int16) floats += this.totalUnits / 2;
    const bytes = floats * 4;
    const pages = Math.ceil(bytes / 65536);
    const have = this.kernel.memory.buffer.byteLength / 65536;
    if (pages > have) this.kernel.memory.grow(pages - have);
    this.mem = new Float32Array(this.kernel.memory.buffer);
    this.layers = layers;
    this.stateSize = 2 * this.totalUnits;

    // Pack weights.
    weights.lstm.forEach((l, i) => {
      const plan = layers[i];
      const n = 4 * l.units;
      let m = l.recurrentKernel;
      if (i > 0) {
        m = new Float32Array((l.inputSize + l.units) * n);
        m.set(l.kernel, 0);
        m.set(l.recurrentKernel, l.inputSize * n);
      }
      if (int16) {
        const packed = new Int16Array(this.kernel.memory.buffer, plan.packedOffset * 4, plan.nBlocks * BLOCK * plan.k);
        packColumnBlocksInt16(m, plan.k, n, INT16_INPUT_SCALE, packed, this.mem.subarray(plan.scaleOffset, plan.scaleOffset + plan.nBlocks * BLOCK));
      } else packColumnBlocks(m, plan.k, n, this.mem.subarray(plan.packedOffset));
    });
    packColumnBlocks(weights.denseKernel, last.units, spec.vocabSize, this.mem.subarray(this.denseOffset));
    this.denseBias = weights.denseBias.slice();

    const first = weights.lstm[0];
    const n0 = 4 * first.units;
    const E = spec.embeddingDim;
    this.inputTable = new Float32Array(spec.vocabSize * n0);
    for (let v = 0; v < spec.vocabSize; v++) {
      const row = this.inputTable.subarray(v * n0, (v + 1) * n0);
      row.set(first.bias);
      for (let e = 0; e < E; e++) {
        const x = weights.embedding[v * E + e];
        const kRow = e * n0;
        for (let j = 0; j < n0; j++) row[j] += x * first.kernel[kRow + j];
      }
    }
    this.resetState();
  }

  resetState(): void {
    this.mem.fill(0, this.hStart, this.hStart + this.totalUnits);
    this.mem.fill(0, this.cStart, this.cStart + this.totalUnits);
    this.quantizeOutputs(0, this.totalUnits);
  }

  readState(into: Float32Array = new Float32Array(this.stateSize)): Float32Array {
    into.set(this.mem.subarray(this.hStart, this.hStart + this.totalUnits), 0);
    into.set(this.mem.subarray(this.cStart, this.cStart + this.totalUnits), this.totalUnits);
    return into;
  }

  writeState(state: Float32Array): void {
    if (state.length !== this.stateSize) throw new Error(`state has ${state.length} values, expected ${this.stateSize}`);
    this.mem.set(state.subarray(0, this.totalUnits), this.hStart);
    this.mem.set(state.subarray(this.totalUnits), this.cStart);
    this.quantizeOutputs(0, this.totalUnits);
  }

  /** int16 precision: rounds units [from, from + n) of the layers' outputs for the next products. */
  private quantizeOutputs(from: number, n: number): void {
    if (this.precision === 'int16') this.kernel.quantize((this.hStart + from) * 4, this.h16Start * 4 + from * 2, n / 8, INT16_INPUT_SCALE);
  }

  /** Advances every layer by one character (a vocabulary index). */
  step(index: number): void {
    const mem = this.mem;
    const z = this.zStart;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      const n = 4 * l.units;
      // Layer 0 reads its own previous output; a layer above reads [the output below; its own], which lie
      // side by side in the h region (and in its int16 copy).
      const inputOffset = i === 0 ? l.hOffset : this.layers[i - 1].hOffset;
      if (i === 0) mem.set(this.inputTable.subarray(index * n, (index + 1) * n), z);
      else mem.set(l.bias!, z);
      if (this.precision === 'int16') this.kernel.gemv16(this.h16Start * 4 + inputOffset * 2, l.packedOffset * 4, z * 4, l.k / 2, l.nBlocks, l.scaleOffset * 4);
      else this.kernel.gemv((this.hStart + inputOffset) * 4, l.packedOffset * 4, z * 4, l.k, l.nBlocks);
      this.applyGates(z, l.units, this.hStart + l.hOffset, l.hOffset);
      this.quantizeOutputs(l.hOffset, l.units);
    }
  }

  /**
   * The cell update of a layer of u units whose gate pre-activations are at z: the kernel takes the units in
   * fours, JS the last u mod 4 (a layer size the design does not use, but a checkpoint may).
   */
  private applyGates(z: number, u: number, h: number, cOff: number): void {
    const groups = u >> 2;
    const c = this.cStart + cOff;
    if (groups > 0) this.kernel.gates(z * 4, c * 4, h * 4, groups, u * 4);
    const mem = this.mem;
    for (let j = groups * 4; j < u; j++) {
      const ig = sigmoid(mem[z + j]);
      const fg = sigmoid(mem[z + u + j]);
      const gg = tanh(mem[z + 2 * u + j]);
      const og = sigmoid(mem[z + 3 * u + j]);
      const cj = fg * mem[c + j] + ig * gg;
      mem[c + j] = cj;
      mem[h + j] = og * tanh(cj);
    }
  }

  /** Next-character logits for the current state, written into `out` (vocabSize values). */
  logits(out: Float32Array = new Float32Array(this.spec.vocabSize)): Float32Array {
    const last = this.layers[this.layers.length - 1];
    this.mem.set(this.denseBias, this.logitsStart);
    this.kernel.gemv((this.hStart + last.hOffset) * 4, this.denseOffset * 4, this.logitsStart * 4, last.units, this.denseBlocks);
    out.set(this.mem.subarray(this.logitsStart, this.logitsStart + this.spec.vocabSize));
    return out;
  }
}
