/**
 * Which of the LSTM's cells track Python's structure (Karpathy, Johnson and Fei-Fei 2015, "Visualizing and
 * Understanding Recurrent Networks"): the model reads each file from its start, and after every character
 * each state value (h and c of every layer) is correlated with what a Python reader knows there
 * (lens/char-features). Steps in float32, so the cells are the model's own.
 */
import { ModelWeights } from '../model/architecture';
import { LstmStepper, SERVING_PRECISION } from '../inference/lstm-stepper';
import { encode, normalizeText } from '../model/vocab';
import { CHAR_FEATURES, CharFeature, charFeatures } from './char-features';
import { CorrelationAccumulator } from './cell-correlation';

/** A value of the state: `c` is the cell (memory), `h` its output; layers and units count from 0. */
export interface CellId {
  layer: number;
  unit: number;
  kind: 'h' | 'c';
}

export interface TrackedFeature {
  feature: CharFeature;
  /** The cells with the largest |r|, best first. */
  best: (CellId & { r: number })[];
}

export interface CellReport {
  chars: number;
  files: number;
  features: TrackedFeature[];
  seconds: number;
}

export interface CellStudyOptions {
  /** Characters read in all (files are read whole until this is reached). */
  maxChars?: number;
  /** Cells reported per feature. */
  top?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The cell a state index names (LstmStepper.readState: every layer's h, then every layer's c). */
export function cellAt(weights: ModelWeights, index: number): CellId {
  const total = weights.lstm.reduce((s, l) => s + l.units, 0);
  const kind = index < total ? 'h' : 'c';
  let u = index % total;
  for (let layer = 0; layer < weights.lstm.length; layer++) {
    if (u < weights.lstm[layer].units) return { layer, unit: u, kind };
    u -= weights.lstm[layer].units;
  }
  throw new Error(`state index ${index} is out of range`);
}

/** The state index of a cell (the inverse of cellAt). */
export function stateIndex(weights: ModelWeights, cell: CellId): number {
  const total = weights.lstm.reduce((s, l) => s + l.units, 0);
  if (cell.layer < 0 || cell.layer >= weights.lstm.length || cell.unit < 0 || cell.unit >= weights.lstm[cell.layer].units)
    throw new Error(`no cell ${cellName(cell)} in a model with layers of ${weights.lstm.map((l) => l.units).join(', ')} units`);
  const before = weights.lstm.slice(0, cell.layer).reduce((s, l) => s + l.units, 0);
  return (cell.kind === 'c' ? total : 0) + before + cell.unit;
}

/** "L1 c37": layer (from 1, as people count them), kind, unit. */
export function cellName(cell: CellId): string {
  return `L${cell.layer + 1} ${cell.kind}${cell.unit}`;
}

/** Parses cellName's form back ("L1 c37" or "L1c37"). */
export function parseCellName(s: string): CellId | undefined {
  const m = /^L(\d+)\s*([hc])(\d+)$/.exec(s.trim());
  return m ? { layer: Number(m[1]) - 1, kind: m[2] as 'h' | 'c', unit: Number(m[3]) } : undefined;
}

export function studyCells(weights: ModelWeights, files: { text: string }[], opts: CellStudyOptions = {}): CellReport {
  const t0 = Date.now();
  const stepper = new LstmStepper(weights, { precision: 'float32' });
  const acc = new CorrelationAccumulator(stepper.stateSize, CHAR_FEATURES.length);
  const state = new Float32Array(stepper.stateSize);
  const row = new Float64Array(CHAR_FEATURES.length);
  const max = opts.maxChars ?? Infinity;
  const total = Math.min(
    max,
    files.reduce((s, f) => s + f.text.length, 0),
  );
  let read = 0;
  let used = 0;
  for (const f of files) {
    if (read >= max) break;
    const text = normalizeText(f.text).slice(0, max - read);
    if (!text.length) continue;
    const codes = encode(text);
    const features = charFeatures(text);
    const columns = CHAR_FEATURES.map((name) => features[name]);
    stepper.resetState();
    for (let i = 0; i < codes.length; i++) {
      stepper.step(codes[i]);
      stepper.readState(state);
      for (let k = 0; k < columns.length; k++) row[k] = columns[k][i];
      acc.add(state, row);
      if ((read + i) % 4096 === 0) opts.onProgress?.(read + i, total);
    }
    read += codes.length;
    used++;
  }
  opts.onProgress?.(read, total);
  return {
    chars: acc.count,
    files: used,
    features: CHAR_FEATURES.map((feature, f) => ({
      feature,
      best: acc.best(f, opts.top ?? 3).map((b) => ({ ...cellAt(weights, b.index), r: b.r })),
    })),
    seconds: (Date.now() - t0) / 1000,
  };
}

/** One cell's value after every character of `text` (the heatmap's colours), read from the file's start. */
export function cellTrace(weights: ModelWeights, text: string, cells: CellId[]): Float32Array[] {
  const stepper = new LstmStepper(weights, { precision: 'float32' });
  const codes = encode(normalizeText(text));
  const indices = cells.map((c) => stateIndex(weights, c));
  const out = cells.map(() => new Float32Array(codes.length));
  const state = new Float32Array(stepper.stateSize);
  for (let i = 0; i < codes.length; i++) {
    stepper.step(codes[i]);
    stepper.readState(state);
    for (let k = 0; k < indices.length; k++) out[k][i] = state[indices[k]];
  }
  return out;
}

/** A file's heatmap data: the cell that tracks each feature best on this file, and its value after each character. */
export interface FileCells {
  text: string;
  /** The study of the characters the cells were chosen on (the file's first `studyChars`). */
  report: CellReport;
  /** Per feature: its best cell's values (h as it is, c through tanh as Karpathy et al. drew it) and the feature's own. */
  traces: { feature: CharFeature; cell: CellId; r: number; values: Float32Array; featureValues: Float32Array }[];
}

export interface FileCellsOptions {
  maxChars?: number;
  /** Characters the cells are chosen on; the rest of the file is traced for those cells only. */
  studyChars?: number;
  /** Called with the characters [from, to) done, as the trace advances (every `chunkChars`, and at the end). */
  onChunk?: (from: number, to: number, cells: FileCells) => void;
  chunkChars?: number;
}

/** Values drawn for a state entry: h as it is, c through tanh (as Karpathy et al. drew it). */
const drawn = (v: number, isCell: boolean): number => (isCell ? Math.tanh(v) : v);

/**
 * The study and the heatmap of one file. The cells are chosen on the first `studyChars` characters (every state
 * value kept, rounded to a byte, so no second pass), then the rest is only stepped and the chosen cells read:
 * the first screen can be drawn while the rest is traced. Steps at the serving precision (int16): this is a
 * picture, and it is 30% faster than float32.
 */
export function studyFile(weights: ModelWeights, raw: string, opts: FileCellsOptions = {}): FileCells {
  const t0 = Date.now();
  const text = normalizeText(raw).slice(0, opts.maxChars ?? 150_000);
  const stepper = new LstmStepper(weights, { precision: SERVING_PRECISION });
  const size = stepper.stateSize;
  const half = size / 2;
  const study = Math.min(text.length, opts.studyChars ?? 10_000);
  const acc = new CorrelationAccumulator(size, CHAR_FEATURES.length);
  const features = charFeatures(text);
  const columns = CHAR_FEATURES.map((name) => features[name]);
  const kept = new Int8Array(study * size);
  const state = new Float32Array(size);
  const row = new Float64Array(CHAR_FEATURES.length);
  const codes = encode(text);
  for (let i = 0; i < study; i++) {
    stepper.step(codes[i]);
    stepper.readState(state);
    for (let k = 0; k < columns.length; k++) row[k] = columns[k][i];
    acc.add(state, row);
    const base = i * size;
    for (let u = 0; u < size; u++) kept[base + u] = Math.round(127 * drawn(state[u], u >= half));
  }
  const report: CellReport = {
    chars: acc.count,
    files: 1,
    features: CHAR_FEATURES.map((feature, f) => ({ feature, best: acc.best(f, 3).map((b) => ({ ...cellAt(weights, b.index), r: b.r })) })),
    seconds: 0,
  };
  const indices = report.features.map((tf) => stateIndex(weights, tf.best[0]));
  const traces = report.features.map((tf, f) => {
    const best = tf.best[0];
    const values = new Float32Array(codes.length);
    for (let i = 0; i < study; i++) values[i] = kept[i * size + indices[f]] / 127;
    return { feature: tf.feature, cell: { layer: best.layer, unit: best.unit, kind: best.kind }, r: best.r, values, featureValues: columns[f] };
  });
  const cells: FileCells = { text, report, traces };
  const chunk = opts.chunkChars ?? 20_000;
  let reported = 0;
  const flush = (to: number) => {
    report.seconds = (Date.now() - t0) / 1000;
    opts.onChunk?.(reported, to, cells);
    reported = to;
  };
  if (study > 0) flush(study);
  for (let i = study; i < codes.length; i++) {
    stepper.step(codes[i]);
    stepper.readState(state);
    for (let f = 0; f < traces.length; f++) traces[f].values[i] = drawn(state[indices[f]], indices[f] >= half);
    if (i + 1 - reported >= chunk) flush(i + 1);
  }
  if (reported < codes.length || codes.length === 0) flush(codes.length);
  report.seconds = (Date.now() - t0) / 1000;
  return cells;
}
