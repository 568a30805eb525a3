/**
 * Finds the design's layers in a Keras weights file, whichever way the model was built and saved.
 *
 * Where Keras puts a layer's weights:
 * - Keras 3 (`model.weights.h5`, keras/src/saving/saving_lib.py): each object's own variables go in a group `vars`
 *   under the object's path (`H5IOStore._create_h5_group`), as datasets named "0", "1", ... in the order of
 *   `Layer.save_own_variables` (trainable first). The path follows the model's attributes (`_walk_saveable`): layers
 *   of a Sequential sit under `layers/`, named by class in snake case (`_save_container_state`: embedding, lstm,
 *   lstm_1, dense), an LSTM's weights under its `cell/`, and a subclassed model's under the attribute that holds them.
 *   The layer's own name (the seed's "lstm_1") is only the `vars` group's `name` attribute (`make(..., metadata)`).
 * - Keras 2 (`.h5`, keras/src/legacy/saving/legacy_h5_format.py): a group per layer (under `model_weights/` in a whole
 *   model, at the root in a weights file) whose `weight_names` attribute lists its datasets' paths in order
 *   (`save_subset_weights_to_hdf5_group`), e.g. `lstm_1/lstm_cell/kernel:0`.
 * So the layers are found by shape, chained as the design chains them: an embedding [V, E], LSTM cells whose kernels
 * take E, then each other's units, and a dense layer [units, V] with its bias. Names only order candidates.
 */
import type { H5Dataset, H5Group } from './hdf5';

export interface FoundArray {
  path: string;
  shape: number[];
  dtype: string;
  values: Float32Array;
}

/** One layer's (or object's) variables, in the order Keras saved them. */
export interface WeightGroup {
  path: string;
  arrays: FoundArray[];
}

export interface FoundLayers {
  embedding: FoundArray;
  lstm: { kernel: FoundArray; recurrentKernel: FoundArray; bias: FoundArray }[];
  denseKernel: FoundArray;
  denseBias: FoundArray;
  /** The float types the weights were stored in (float16 for a model saved under a float16 policy). */
  dtypes: string[];
}

export class KerasLayoutError extends Error {
  override name = 'KerasLayoutError';
}

/** Groups that hold an optimizer's state (Keras 3: `optimizer/`, Keras 2: `optimizer_weights/`), never a layer. */
const OPTIMIZER_ROOTS = new Set(['optimizer', 'optimizer_weights']);

function child(g: H5Group, rel: string): H5Group | H5Dataset | undefined {
  let cur: H5Group | H5Dataset | undefined = g;
  for (const part of rel.split('/').filter(Boolean)) {
    if (!cur || cur.kind !== 'group') return undefined;
    cur = cur.children.get(part);
  }
  return cur;
}

function asArray(d: H5Group | H5Dataset | undefined, path: string): FoundArray | undefined {
  if (!d || d.kind !== 'dataset' || !d.values) return undefined;
  return { path, shape: d.shape, dtype: d.dtype, values: d.values };
}

function stringList(v: unknown): string[] | undefined {
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  if (typeof v === 'string') return [v];
  return undefined;
}

/** Every group of variables in the file: Keras 3 `vars` groups and Keras 2 groups with `weight_names`. */
export function weightGroups(root: H5Group): WeightGroup[] {
  const groups: WeightGroup[] = [];
  const visit = (g: H5Group, path: string) => {
    const names = stringList(g.attrs.weight_names);
    if (names) {
      const arrays = names.map((n) => asArray(child(g, n), `${path}/${n}`)).filter((a): a is FoundArray => !!a);
      if (arrays.length && arrays.length === names.length) groups.push({ path, arrays });
    }
    for (const [name, c] of g.children) {
      if (c.kind !== 'group') continue;
      if (!path && OPTIMIZER_ROOTS.has(name)) continue;
      const at = path ? `${path}/${name}` : name;
      if (name === 'vars' && !names) {
        const arrays: FoundArray[] = [];
        for (let i = 0; c.children.has(String(i)); i++) {
          const a = asArray(c.children.get(String(i)), `${at}/${i}`);
          if (a) arrays.push(a);
        }
        if (arrays.length) groups.push({ path, arrays });
      } else visit(c, at);
    }
  };
  visit(root, '');
  return groups;
}

/** "lstm" < "lstm_1" < "lstm_2" < "lstm_10", segment by segment: the order Keras numbers repeated names in. */
export function naturalCompare(a: string, b: string): number {
  const [x, y] = [a.split('/'), b.split('/')];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [/^(.*?)(?:_(\d+))?$/.exec(x[i])!, /^(.*?)(?:_(\d+))?$/.exec(y[i])!];
    if (p[1] !== q[1]) return p[1] < q[1] ? -1 : 1;
    const d = Number(p[2] ?? -1) - Number(q[2] ?? -1);
    if (d) return d;
  }
  return x.length - y.length;
}

const is2d = (a: FoundArray) => a.shape.length === 2;
const is1d = (a: FoundArray) => a.shape.length === 1;

function isLstmCell(g: WeightGroup): boolean {
  if (g.arrays.length !== 3) return false;
  const [k, r, b] = g.arrays;
  if (!is2d(k) || !is2d(r) || !is1d(b)) return false;
  const units = r.shape[0];
  return units > 0 && k.shape[1] === 4 * units && r.shape[1] === 4 * units && b.shape[0] === 4 * units;
}

/**
 * The design's layers among `groups`: one chain embedding -> LSTM x N -> dense. Where shapes allow more than one chain
 * (an embedding as wide as the units), the file's own order of the LSTMs decides.
 */
export function findLayers(groups: WeightGroup[]): FoundLayers {
  const ordered = [...groups].sort((a, b) => naturalCompare(a.path, b.path));
  const embeddings = ordered.filter((g) => g.arrays.length === 1 && is2d(g.arrays[0]));
  const cells = ordered.filter(isLstmCell);
  const denses = ordered.filter((g) => g.arrays.length === 2 && is2d(g.arrays[0]) && is1d(g.arrays[1]) && g.arrays[0].shape[1] === g.arrays[1].shape[0]);
  if (!cells.length) {
    const described = groups.map((g) => `${g.path || '/'} [${g.arrays.map((a) => a.shape.join('x')).join(', ')}]`).join('; ');
    throw new KerasLayoutError(`holds no LSTM layer (a kernel [in, 4u], a recurrent kernel [u, 4u] and a bias [4u]); its weights: ${described || 'none'}`);
  }
  const chains: { embedding: WeightGroup; lstm: WeightGroup[]; dense: WeightGroup }[] = [];
  for (const embedding of embeddings) {
    const [vocab, dim] = embedding.arrays[0].shape;
    // Depth-first over the cells in file order, each used once: the first complete chain found per embedding is the
    // file's own order; others are counted only to refuse an ambiguous file.
    const extend = (lstm: WeightGroup[], input: number) => {
      if (lstm.length) {
        for (const dense of denses) {
          if (dense.arrays[0].shape[0] === input && dense.arrays[0].shape[1] === vocab) chains.push({ embedding, lstm: [...lstm], dense });
        }
      }
      for (const cell of cells) {
        if (!lstm.includes(cell) && cell.arrays[0].shape[0] === input) extend([...lstm, cell], cell.arrays[1].shape[0]);
      }
    };
    extend([], dim);
  }
  // Only chains that use every LSTM the file holds: a model of the design has no LSTM outside the chain.
  const full = chains.filter((c) => c.lstm.length === cells.length);
  if (!full.length) {
    throw new KerasLayoutError(
      `holds ${embeddings.length} embedding(s), ${cells.length} LSTM layer(s) and ${denses.length} dense layer(s) that do not chain as ` +
        'Embedding -> LSTM ... -> Dense(vocabulary) (shapes: ' +
        [...embeddings, ...cells, ...denses].map((g) => `${g.path} [${g.arrays.map((a) => a.shape.join('x')).join(', ')}]`).join('; ') +
        ')',
    );
  }
  const distinctEnds = new Set(full.map((c) => `${c.embedding.path}|${c.dense.path}`));
  if (distinctEnds.size > 1)
    throw new KerasLayoutError(`holds ${distinctEnds.size} different embedding/dense pairs that each fit; it is not one model of the design`);
  const chosen = full[0];
  const arr = (g: WeightGroup, i: number) => g.arrays[i];
  const all = [arr(chosen.embedding, 0), ...chosen.lstm.flatMap((g) => g.arrays), ...chosen.dense.arrays];
  return {
    embedding: arr(chosen.embedding, 0),
    lstm: chosen.lstm.map((g) => ({ kernel: arr(g, 0), recurrentKernel: arr(g, 1), bias: arr(g, 2) })),
    denseKernel: arr(chosen.dense, 0),
    denseBias: arr(chosen.dense, 1),
    dtypes: [...new Set(all.map((a) => a.dtype))],
  };
}
