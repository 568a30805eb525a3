/**
 * Keras files of a seed-like model, written at the paths Keras itself uses (each path below says where in Keras's saving
 * code it comes from; read at keras-team/keras 3.16, keras/src/saving/saving_lib.py and
 * keras/src/legacy/saving/legacy_h5_format.py). They are written with this project's HDF5 writer (h5wasm, the HDF
 * Group's own libhdf5) and fflate's zip, not with the export under test; keras-h5py.test.ts writes the same layouts with
 * h5py, the library Keras itself writes through.
 */
import { zipSync } from 'fflate';
import { H5Group, dataset, group, writeHdf5 } from '../../../src/model/keras/hdf5';

/** A seed model's arrays in Keras's shapes: embedding [V, E], per LSTM kernel [in, 4u], recurrent [u, 4u], bias [4u]; dense [u, V], [V]. */
export interface SeedArrays {
  vocab: string[];
  embedding: Float32Array;
  lstm: { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array; input: number; units: number }[];
  denseKernel: Float32Array;
  denseBias: Float32Array;
  dim: number;
}

function values(n: number, seed: number, scale: number): Float32Array {
  // A small LCG: the same arrays every run, spread over [-scale, scale].
  let s = seed >>> 0;
  return new Float32Array(n).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

export function seedArrays(vocab: string[], dim: number, units: number[], seed = 1): SeedArrays {
  const v = vocab.length;
  let input = dim;
  const lstm = units.map((u, i) => {
    const layer = {
      kernel: values(input * 4 * u, seed + 10 * i + 1, 0.4),
      recurrent: values(u * 4 * u, seed + 10 * i + 2, 0.4),
      bias: values(4 * u, seed + 10 * i + 3, 0.5),
      input,
      units: u,
    };
    input = u;
    return layer;
  });
  return {
    vocab,
    dim,
    embedding: values(v * dim, seed + 100, 0.8),
    lstm,
    denseKernel: values(input * v, seed + 200, 0.7),
    denseBias: values(v, seed + 300, 0.5),
  };
}

/**
 * The seed's model as Keras 3 saves it: a subclassed `RNN(keras.Model)` whose Sequential is its only layer. A subclassed
 * model walks as a "Layer" (`_walk_saveable`), so its `layers` property is visited as a container and the Sequential
 * inside is named by class (`_save_container_state`: "sequential"); the Sequential's own layers follow under
 * `layers/` ("Sequential" walks `layers` first), named embedding, lstm, dropout, lstm_1, dropout_1, dense by class
 * and number, each LSTM's variables under its `cell` attribute. Every saveable's group is `<path>/vars` with a `name`
 * attribute (`H5IOStore.make(path, metadata={"name": ...})`), variables "0", "1", ... in `save_own_variables` order.
 * A compiled model also saves its optimizer under `optimizer/vars` (Adam's iteration count, then m and v per weight).
 */
export function kerasV3Tree(a: SeedArrays, opts: { prefix?: string; optimizer?: boolean } = {}): H5Group {
  const v = a.vocab.length;
  const vars = (name: string, arrays: [number[], Float32Array][] = []) =>
    group(
      { name },
      arrays.map(([shape, x], i) => [String(i), dataset(shape, x)]),
    );
  const layers: [string, H5Group][] = [['embedding', group({}, [['vars', vars('embedding', [[[v, a.dim], a.embedding]])]])]];
  a.lstm.forEach((l, i) => {
    const cell = vars('lstm_cell', [
      [[l.input, 4 * l.units], l.kernel],
      [[l.units, 4 * l.units], l.recurrent],
      [[4 * l.units], l.bias],
    ]);
    layers.push([
      i ? `lstm_${i}` : 'lstm',
      group({}, [
        ['vars', vars(`lstm_${i + 1}`)],
        ['cell', group({}, [['vars', cell]])],
      ]),
    ]);
    layers.push([i ? `dropout_${i}` : 'dropout', group({}, [['vars', vars(i ? `dropout_${i}` : 'dropout')]])]);
  });
  const last = a.lstm[a.lstm.length - 1].units;
  layers.push([
    'dense',
    group({}, [
      [
        'vars',
        vars('dense', [
          [[last, v], a.denseKernel],
          [[v], a.denseBias],
        ]),
      ],
    ]),
  ]);
  const sequential = group({}, [
    ['layers', group({}, layers)],
    ['vars', vars('sequential')],
  ]);
  const children: [string, H5Group][] = [
    ['layers', group({}, [['sequential', sequential]])],
    ['vars', vars('rnn')],
  ];
  if (opts.optimizer) {
    // Decoys of the weights' own shapes (Adam's m and v): an importer that took them for layers would be ambiguous.
    const opt: [number[], Float32Array][] = [[[1], new Float32Array([7])]];
    for (const l of a.lstm)
      opt.push(
        [[l.input, 4 * l.units], values(l.input * 4 * l.units, 9, 1)],
        [[l.units, 4 * l.units], values(l.units * 4 * l.units, 8, 1)],
        [[4 * l.units], values(4 * l.units, 7, 1)],
      );
    opt.push([[v, a.dim], values(v * a.dim, 6, 1)], [[last, v], values(last * v, 5, 1)], [[v], values(v, 4, 1)]);
    children.push(['optimizer', group({}, [['vars', vars('adam', opt)]])]);
  }
  return group({}, children);
}

/** The seed's `RNN` config as a subclassed model serialises it (its constructor arguments; the layers are code). */
export function seedConfig(vocabSize: number): Record<string, unknown> {
  return {
    module: null,
    class_name: 'RNN',
    config: { name: 'rnn', trainable: true, vocab_size: vocabSize, embedding_dim: 8, rnn_units: 6 },
    registered_name: 'RNN',
    build_config: { input_shape: [64, null] },
    compile_config: { optimizer: 'adam', loss: 'sparse_categorical_crossentropy' },
  };
}

/** A `.keras` archive as `_save_model_to_fileobj` writes it: metadata.json, config.json, model.weights.h5, stored. */
export async function kerasV3File(tree: H5Group, config: unknown, extraEntries: Record<string, Uint8Array> = {}): Promise<Uint8Array> {
  const enc = new TextEncoder();
  return zipSync(
    {
      'metadata.json': enc.encode(JSON.stringify({ keras_version: '3.3.3', date_saved: '2026-11-30@10:00:00' })),
      'config.json': enc.encode(JSON.stringify(config)),
      'model.weights.h5': await writeHdf5(tree),
      ...extraEntries,
    },
    { level: 0 },
  );
}

/**
 * The same model as Keras 2 saves it (legacy_h5_format.py): `save_weights_to_hdf5_group` gives the group of weights a
 * `layer_names` attribute and one group per layer, named by the layer, whose `weight_names` attribute lists its
 * variables' paths (`save_subset_weights_to_hdf5_group`), each a dataset at that path inside the layer's group. A whole
 * model (`save_model_to_hdf5`) puts them under `model_weights/` beside the `model_config` attribute and the optimizer's
 * `optimizer_weights/`; a weights file (`save_weights`) puts them at the root.
 */
export function kerasV2Tree(a: SeedArrays, opts: { wholeModel: boolean; config?: unknown }): H5Group {
  const v = a.vocab.length;
  const layerGroups: [string, H5Group][] = [];
  const layerNames: string[] = [];
  const addLayer = (name: string, weights: [string, number[], Float32Array][]) => {
    layerNames.push(name);
    const g = group({ weight_names: weights.map(([n]) => n) });
    for (const [n, shape, x] of weights) {
      // A weight name such as "lstm_1/lstm_cell/kernel:0" is a path: h5py makes the groups between.
      const parts = n.split('/');
      let at = g;
      for (const p of parts.slice(0, -1)) {
        if (!at.children.has(p)) at.children.set(p, group());
        at = at.children.get(p) as H5Group;
      }
      at.children.set(parts[parts.length - 1], dataset(shape, x));
    }
    layerGroups.push([name, g]);
  };
  addLayer('embedding', [['embedding/embeddings:0', [v, a.dim], a.embedding]]);
  a.lstm.forEach((l, i) => {
    const n = `lstm_${i + 1}`;
    addLayer(n, [
      [`${n}/lstm_cell/kernel:0`, [l.input, 4 * l.units], l.kernel],
      [`${n}/lstm_cell/recurrent_kernel:0`, [l.units, 4 * l.units], l.recurrent],
      [`${n}/lstm_cell/bias:0`, [4 * l.units], l.bias],
    ]);
    addLayer(i ? `dropout_${i}` : 'dropout', []);
  });
  const last = a.lstm[a.lstm.length - 1].units;
  addLayer('dense', [
    ['dense/kernel:0', [last, v], a.denseKernel],
    ['dense/bias:0', [v], a.denseBias],
  ]);
  const weightsGroup = group({ layer_names: layerNames, backend: 'tensorflow', keras_version: '2.15.0' }, layerGroups);
  if (!opts.wholeModel) return weightsGroup;
  return group({ backend: 'tensorflow', keras_version: '2.15.0', ...(opts.config ? { model_config: JSON.stringify(opts.config) } : {}) }, [
    ['model_weights', weightsGroup],
    ['optimizer_weights', group({ weight_names: ['Adam/iter:0'] }, [['Adam', group({}, [['iter:0', dataset([1], new Float32Array([3]))]])]])],
  ]);
}

/** A Keras 2 Sequential config of the design (tf.keras 2.x `model.to_json()`), with `recurrent` as the LSTMs' gate activation. */
export function keras2Config(vocabSize: number, recurrent = 'sigmoid'): Record<string, unknown> {
  const lstm = (name: string) => ({
    class_name: 'LSTM',
    config: { name, units: 6, activation: 'tanh', recurrent_activation: recurrent, use_bias: true, return_sequences: true },
  });
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      layers: [
        { class_name: 'Embedding', config: { name: 'embedding', input_dim: vocabSize, output_dim: 8 } },
        lstm('lstm_1'),
        { class_name: 'Dropout', config: { name: 'dropout', rate: 0.2 } },
        lstm('lstm_2'),
        { class_name: 'Dropout', config: { name: 'dropout_1', rate: 0.2 } },
        {
          class_name: 'Dense',
          config: { name: 'dense', units: vocabSize, activation: 'linear', kernel_regularizer: { class_name: 'L2', config: { l2: 0.001 } } },
        },
      ],
    },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
}
