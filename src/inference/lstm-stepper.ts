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
import { createGemvKernel, GemvKernel, packColumnBlocks, paddedWidth, BLOCK } from './simd-kernel';

interface LayerPlan {
  units: number;
  /** Input size of the packed matrix (units for layer 0, inputSize + units above). */
  k: number;
  packedOffset: number; // in floats
  nBlocks: number;
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

  constructor(weights: ModelWeights) {
    const spec = weights.spec;
    this.spec = spec;
    this.kernel = createGemvKernel();
    let floats = 0;
    const layers: LayerPlan[] = [];
    let hOffset = 0;
    weights.lstm.forEach((l, i) => {
      const k = i === 0 ? l.units : l.inputSize + l.units;
      const nBlocks = paddedWidth(4 * l.units) / BLOCK;
      layers.push({ units: l.units, k, packedOffset: floats, nBlocks, hOffset, bias: i === 0 ? undefined : l.bias });
      floats += nBlocks * BLOCK * k;
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
      if (i === 0) {
        packColumnBlocks(l.recurrentKernel, l.units, n, this.mem.subarray(plan.packedOffset));
      } else {
        const stacked = new Float32Array((l.inputSize + l.units) * n);
        stacked.set(l.kernel, 0);
        stacked.set(l.recurrentKernel, l.inputSize * n);
        packColumnBlocks(stacked, plan.k, n, this.mem.subarray(plan.packedOffset));
      }
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
  }

  /** Advances every layer by one character (a vocabulary index). */
  step(index: number): void {
    const mem = this.mem;
    const z = this.zStart;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      const n = 4 * l.units;
      if (i === 0) {
        mem.set(this.inputTable.subarray(index * n, (index + 1) * n), z);
        this.kernel.gemv((this.hStart + l.hOffset) * 4, l.packedOffset * 4, z * 4, l.k, l.nBlocks);
      } else {
        mem.set(l.bias!, z);
        const inputStart = this.hStart + this.layers[i - 1].hOffset;
        this.kernel.gemv(inputStart * 4, l.packedOffset * 4, z * 4, l.k, l.nBlocks);
      }
      this.applyGates(z, l.units, this.hStart + l.hOffset, l.hOffset);
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
