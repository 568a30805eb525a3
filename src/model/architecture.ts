/**
 * The design's model, defined once: Embedding(64) -> LSTM(256) -> Dropout(0.1) -> LSTM(256) -> Dropout(0.1)
 * -> Dense(vocab, L2 1e-4) -> softmax. Everything else (the layers model, the training graph, the inference
 * stepper, the checkpoint layout) is derived from a ModelSpec and the weight list below, so the layer count
 * and sizes are data, not code.
 */
import { VOCAB_SIZE } from './vocab';

export interface ModelSpec {
  vocabSize: number;
  embeddingDim: number;
  /** Units of each stacked LSTM layer, bottom first. */
  lstmUnits: number[];
  dropout: number;
  /** L2 penalty on the dense kernel, added to the loss as Keras does. */
  denseL2: number;
}

export const DESIGN_SPEC: Readonly<ModelSpec> = Object.freeze({
  vocabSize: VOCAB_SIZE,
  embeddingDim: 64,
  lstmUnits: [256, 256],
  dropout: 0.1,
  denseL2: 1e-4,
});

export function makeSpec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return { ...DESIGN_SPEC, lstmUnits: [...DESIGN_SPEC.lstmUnits], ...overrides };
}

export interface LstmLayerWeights {
  inputSize: number;
  units: number;
  /** [inputSize, 4*units], gate order i, f, c, o as in Keras. */
  kernel: Float32Array;
  /** [units, 4*units] */
  recurrentKernel: Float32Array;
  /** [4*units] */
  bias: Float32Array;
}

/** Framework-neutral weights: plain arrays, row-major, in the layers model's shapes. */
export interface ModelWeights {
  spec: ModelSpec;
  /** [vocabSize, embeddingDim] */
  embedding: Float32Array;
  lstm: LstmLayerWeights[];
  /** [lastUnits, vocabSize] */
  denseKernel: Float32Array;
  /** [vocabSize] */
  denseBias: Float32Array;
}

export interface WeightEntry {
  /** The name the tfjs layers model gives this weight, e.g. `lstm_1/recurrent_kernel`. */
  name: string;
  shape: number[];
}

export function lstmLayerName(i: number): string {
  return `lstm_${i + 1}`;
}

/** Every weight in the order the layers model holds them. */
export function weightEntries(spec: ModelSpec): WeightEntry[] {
  const entries: WeightEntry[] = [{ name: 'embedding/embeddings', shape: [spec.vocabSize, spec.embeddingDim] }];
  let inputSize = spec.embeddingDim;
  spec.lstmUnits.forEach((units, i) => {
    const n = lstmLayerName(i);
    entries.push({ name: `${n}/kernel`, shape: [inputSize, 4 * units] });
    entries.push({ name: `${n}/recurrent_kernel`, shape: [units, 4 * units] });
    entries.push({ name: `${n}/bias`, shape: [4 * units] });
    inputSize = units;
  });
  entries.push({ name: 'dense/kernel', shape: [inputSize, spec.vocabSize] });
  entries.push({ name: 'dense/bias', shape: [spec.vocabSize] });
  return entries;
}

/**
 * The most weights a model may have: 64 M (256 MB as float32), some 70 times the design's and far above any model a
 * keystroke can wait for on a CPU. Bounds what a checkpoint can make the editor allocate (a crafted 7 × 4096-unit
 * spec over a sparse 16 KB weights.bin once loaded into 7.7 GB) and what a training run may be asked to build.
 */
export const MAX_PARAMETERS = 64 * 1024 * 1024;

/** Layer sizes a stored model may declare: far above any model this project trains, low enough to bound a read. */
export const MAX_UNITS = 4096;
export const MAX_LAYERS = 8;

/**
 * Whether a spec read from a file (a checkpoint's meta.json, a PyTorch export) has a model's shape: the vocabulary's
 * size, an embedding and 1 to MAX_LAYERS layers of 1 to MAX_UNITS units. Its weight count is the caller's to bound.
 */
export function isSpecShape(raw: unknown, vocabSize: number): raw is ModelSpec {
  const s = raw as Partial<ModelSpec> | null | undefined;
  const size = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_UNITS;
  return (
    !!s &&
    s.vocabSize === vocabSize &&
    size(s.embeddingDim) &&
    Array.isArray(s.lstmUnits) &&
    s.lstmUnits.length >= 1 &&
    s.lstmUnits.length <= MAX_LAYERS &&
    s.lstmUnits.every(size)
  );
}

/** The weights as a flat list matching weightEntries(spec). */
export function weightList(w: ModelWeights): Float32Array[] {
  const list = [w.embedding];
  for (const l of w.lstm) list.push(l.kernel, l.recurrentKernel, l.bias);
  list.push(w.denseKernel, w.denseBias);
  return list;
}

export function weightsFromList(spec: ModelSpec, list: Float32Array[]): ModelWeights {
  const entries = weightEntries(spec);
  if (list.length !== entries.length) {
    throw new Error(`expected ${entries.length} weight arrays, got ${list.length}`);
  }
  list.forEach((a, i) => {
    const size = entries[i].shape.reduce((p, d) => p * d, 1);
    if (a.length !== size) throw new Error(`weight ${entries[i].name} has ${a.length} values, expected ${size}`);
  });
  let k = 1;
  let inputSize = spec.embeddingDim;
  const lstm = spec.lstmUnits.map((units) => {
    const layer = { inputSize, units, kernel: list[k], recurrentKernel: list[k + 1], bias: list[k + 2] };
    k += 3;
    inputSize = units;
    return layer;
  });
  return { spec, embedding: list[0], lstm, denseKernel: list[k], denseBias: list[k + 1] };
}

export function parameterCount(spec: ModelSpec): number {
  return weightEntries(spec).reduce((sum, e) => sum + e.shape.reduce((p, d) => p * d, 1), 0);
}
