/**
 * Our weights as a Keras 3 `.keras` archive in the layout Keras itself writes for a Sequential model of the seed's
 * layers (keras/src/saving/saving_lib.py at Keras 3.16), so `keras.saving.load_model` rebuilds it without custom
 * objects and the seed's inference.py finds its layers by name (embedding, lstm_1, lstm_2, dense). The vocabulary is
 * the seed's full one, the 97 characters it keeps in code-point order, which is ours without the unknown symbol;
 * the unknown symbol's weights go in a group Keras never reads (keras-extra.ts).
 */
import type { ModelWeights } from '../architecture';
import { UNKNOWN_INDEX, VOCAB_SIZE, charToIndex } from '../vocab';
import { H5Group, dataset, group, writeHdf5 } from './hdf5';
import { writeKerasArchive } from './keras-archive';
import { seedLayerNames, sequentialConfig } from './keras-config';
import { EXTRA_GROUP, EXTRA_UNKNOWN } from './keras-extra';
import { SEED_ALL_CHARS } from './seed-vocab';

/** The Keras version whose saving code this layout follows (metadata.json's keras_version). */
export const KERAS_LAYOUT_VERSION = '3.16.0';

const MODEL_NAME = 'lstm_complete';

/** Keras's own container names for the Sequential's layers (`_save_container_state`: class name in snake case, numbered). */
function containerName(base: string, i: number): string {
  return i ? `${base}_${i}` : base;
}

/** The H5 tree of `model.weights.h5`: groups and datasets at the paths Keras gives them. */
export function kerasWeightsTree(w: ModelWeights, extra: Record<string, string> = {}): H5Group {
  const { spec } = w;
  const dim = spec.embeddingDim;
  const units = spec.lstmUnits[spec.lstmUnits.length - 1];
  // Our index of each of the seed's characters, in the seed's order.
  const rows = SEED_ALL_CHARS.map(charToIndex);
  const v = rows.length;
  const embedding = new Float32Array(v * dim);
  const kernel = new Float32Array(units * v);
  const bias = new Float32Array(v);
  rows.forEach((j, s) => {
    embedding.set(w.embedding.subarray(j * dim, (j + 1) * dim), s * dim);
    for (let r = 0; r < units; r++) kernel[r * v + s] = w.denseKernel[r * VOCAB_SIZE + j];
    bias[s] = w.denseBias[j];
  });
  const names = seedLayerNames(spec.lstmUnits.length);
  // A group per saveable, created with its `name` attribute even when it owns no variables (H5IOStore.make with metadata).
  const vars = (name: string, arrays: { shape: number[]; values: Float32Array }[] = []) =>
    group(
      { name },
      arrays.map((a, i) => [String(i), dataset(a.shape, a.values)]),
    );
  const layers: [string, H5Group][] = [['embedding', group({}, [['vars', vars(names.embedding, [{ shape: [v, dim], values: embedding }])]])]];
  w.lstm.forEach((l, i) => {
    const cell = vars('lstm_cell', [
      { shape: [l.inputSize, 4 * l.units], values: l.kernel },
      { shape: [l.units, 4 * l.units], values: l.recurrentKernel },
      { shape: [4 * l.units], values: l.bias },
    ]);
    layers.push([
      containerName('lstm', i),
      group({}, [
        ['vars', vars(names.lstm[i])],
        ['cell', group({}, [['vars', cell]])],
      ]),
    ]);
    layers.push([containerName('dropout', i), group({}, [['vars', vars(names.dropout[i])]])]);
  });
  layers.push([
    'dense',
    group({}, [
      [
        'vars',
        vars(names.dense, [
          { shape: [units, v], values: kernel },
          { shape: [v], values: bias },
        ]),
      ],
    ]),
  ]);
  const unknownKernel = new Float32Array(units);
  for (let r = 0; r < units; r++) unknownKernel[r] = w.denseKernel[r * VOCAB_SIZE + UNKNOWN_INDEX];
  const ours = group(extra, [
    [EXTRA_UNKNOWN.embedding, dataset([dim], w.embedding.slice(UNKNOWN_INDEX * dim, (UNKNOWN_INDEX + 1) * dim))],
    [EXTRA_UNKNOWN.denseKernel, dataset([units], unknownKernel)],
    [EXTRA_UNKNOWN.denseBias, dataset([1], new Float32Array([w.denseBias[UNKNOWN_INDEX]]))],
  ]);
  return group({}, [
    ['layers', group({}, layers)],
    [EXTRA_GROUP, ours],
    ['vars', vars(MODEL_NAME)],
  ]);
}

/** The `.keras` archive's bytes. `extra` becomes attributes of our own group (the checkpoint's name and checksum). */
export async function exportKeras(w: ModelWeights, extra: Record<string, string> = {}, now = new Date()): Promise<Uint8Array> {
  const h5 = await writeHdf5(kerasWeightsTree(w, extra));
  const config = sequentialConfig({ ...w.spec, vocabSize: SEED_ALL_CHARS.length }, MODEL_NAME);
  // saving_lib.py writes date_saved as strftime("%Y-%m-%d@%H:%M:%S").
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return writeKerasArchive(config, { keras_version: KERAS_LAYOUT_VERSION, date_saved: date }, h5);
}
