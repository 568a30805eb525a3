/**
 * Which of the LSTM's cells track Python's structure (Karpathy, Johnson and Fei-Fei 2015, "Visualizing and
 * Understanding Recurrent Networks"): the model reads each file from its start, and after every character
 * each state value (h and c of every layer) is correlated with what a Python reader knows there
 * (lens/char-features). Steps in float32, so the cells are the model's own.
 */
import { ModelWeights } from '../model/architecture';
import { LstmStepper } from '../inference/lstm-stepper';
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
  report: CellReport;
  /** Per feature: its best cell's values (h as it is, c through tanh as Karpathy et al. drew it) and the feature's own. */
  traces: { feature: CharFeature; cell: CellId; r: number; values: Float32Array; featureValues: Float32Array }[];
}

/**
 * The study and the heatmap of one file in one pass: every state value is kept, rounded to a byte, so the
 * best cells' traces need no second pass (a 2,000-line file keeps ~70 MB for the moment it takes).
 */
export function studyFile(weights: ModelWeights, raw: string, maxChars = 150_000): FileCells {
  const t0 = Date.now();
  const text = normalizeText(raw).slice(0, maxChars);
  const stepper = new LstmStepper(weights, { precision: 'float32' });
  const size = stepper.stateSize;
  const half = size / 2;
  const acc = new CorrelationAccumulator(size, CHAR_FEATURES.length);
  const features = charFeatures(text);
  const columns = CHAR_FEATURES.map((name) => features[name]);
  const kept = new Int8Array(text.length * size);
  const state = new Float32Array(size);
  const row = new Float64Array(CHAR_FEATURES.length);
  const codes = encode(text);
  for (let i = 0; i < codes.length; i++) {
    stepper.step(codes[i]);
    stepper.readState(state);
    for (let k = 0; k < columns.length; k++) row[k] = columns[k][i];
    acc.add(state, row);
    const base = i * size;
    for (let u = 0; u < size; u++) kept[base + u] = Math.round(127 * (u < half ? state[u] : Math.tanh(state[u])));
  }
  const report: CellReport = {
    chars: acc.count,
    files: 1,
    features: CHAR_FEATURES.map((feature, f) => ({ feature, best: acc.best(f, 3).map((b) => ({ ...cellAt(weights, b.index), r: b.r })) })),
    seconds: 0,
  };
  const traces = report.features.map((tf, f) => {
    const best = tf.best[0];
    const index = stateIndex(weights, best);
    const values = new Float32Array(codes.length);
    for (let i = 0; i < codes.length; i++) values[i] = kept[i * size + index] / 127;
    return { feature: tf.feature, cell: { layer: best.layer, unit: best.unit, kind: best.kind }, r: best.r, values, featureValues: columns[f] };
  });
  report.seconds = (Date.now() - t0) / 1000;
  return { text, report, traces };
}
