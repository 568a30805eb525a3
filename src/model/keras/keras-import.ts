/**
 * A Keras model of the design (the seed's train.py, or our own export-keras) as our weights: its file opened, its layers
 * found, its vocabulary mapped onto ours. Characters the seed never had stay unreachable: a zero embedding row, and a
 * dense column whose bias sits 30 nats below the seed's lowest, so no suggestion ever holds one.
 */
import { createHash } from 'crypto';
import { MAX_PARAMETERS, ModelWeights, isSpecShape, makeSpec, parameterCount } from '../architecture';
import { UNKNOWN_INDEX, VOCAB_SIZE } from '../vocab';
import { readHdf5, H5Group, H5Dataset } from './hdf5';
import { KerasFile, openKerasFile } from './keras-archive';
import { checkConfig } from './keras-config';
import { FoundArray, findLayers, weightGroups } from './keras-layers';
import { resolveSeedVocab, seedIndexForOurs } from './seed-vocab';
import { EXTRA_GROUP, EXTRA_UNKNOWN } from './keras-extra';

/** Where a checkpoint imported from Keras came from (its meta.json keeps it). */
export interface KerasSource {
  format: 'keras3' | 'keras2-h5';
  file: string;
  sha256: string;
  kerasVersion?: string;
  /** The paths of the embedding, of each LSTM's kernel and of the dense kernel in the file. */
  layers: string[];
  fileDtypes: string[];
  seedVocabSize: number;
  /** Characters of ours (the unknown symbol aside) the seed's vocabulary lacks, which the model never suggests. */
  unreachable: number;
  /** Whether the file carried our unknown symbol's weights (an export of ours), so nothing was lost on the way. */
  unknownSymbolRestored: boolean;
}

export interface KerasImport {
  weights: ModelWeights;
  source: KerasSource;
}

export class KerasImportError extends Error {
  override name = 'KerasImportError';
}

const UNREACHABLE_MARGIN = 30;

const H5_LIMITS = { maxObjects: 20_000, maxDepth: 32, maxValues: MAX_PARAMETERS + (1 << 20), skipRoots: ['optimizer', 'optimizer_weights'] };

/** Reads `bytes` (a `.keras` archive or a Keras 2 `.h5` file) as our weights; `vocab` is the seed's, when known. */
export async function importKeras(bytes: Uint8Array, fileName: string, vocab?: string[]): Promise<KerasImport> {
  const file = openKerasFile(bytes);
  const root = await readHdf5(file.weights, H5_LIMITS);
  const { config, kerasVersion } = configOf(file, root);
  const facts = checkConfig(config);
  if (facts.refusal) throw new KerasImportError(`cannot be imported: ${facts.refusal}`);
  const found = findLayers(weightGroups(root));

  const [seedRows, dim] = found.embedding.shape;
  const seedChars = resolveSeedVocab(seedRows, vocab);
  const ourIndex = seedIndexForOurs(seedChars);
  const spec = makeSpec({
    embeddingDim: dim,
    lstmUnits: found.lstm.map((l) => l.recurrentKernel.shape[0]),
    ...(facts.dropout !== undefined ? { dropout: facts.dropout } : {}),
    ...(facts.denseL2 !== undefined ? { denseL2: facts.denseL2 } : {}),
  });
  const shape = `embedding ${dim}, LSTM ${spec.lstmUnits.join('x')}`;
  if (!isSpecShape(spec, VOCAB_SIZE)) throw new KerasImportError(`holds a model of a shape this build does not load (${shape})`);
  if (parameterCount(spec) > MAX_PARAMETERS)
    throw new KerasImportError(`holds a model of ${parameterCount(spec)} weights, more than this build loads (${MAX_PARAMETERS})`);
  for (const a of [found.embedding, ...found.lstm.flatMap((l) => [l.kernel, l.recurrentKernel, l.bias]), found.denseKernel, found.denseBias]) {
    if (!a.values.every(Number.isFinite)) throw new KerasImportError(`has values that are not finite numbers in ${a.path}`);
  }

  const units = spec.lstmUnits[spec.lstmUnits.length - 1];
  const embedding = new Float32Array(VOCAB_SIZE * dim);
  const denseKernel = new Float32Array(units * VOCAB_SIZE);
  const denseBias = new Float32Array(VOCAB_SIZE);
  let lowest = Infinity;
  for (const b of found.denseBias.values) lowest = Math.min(lowest, b);
  let unreachable = 0;
  for (let j = 0; j < VOCAB_SIZE; j++) {
    const s = ourIndex[j];
    if (s < 0) {
      if (j !== UNKNOWN_INDEX) unreachable++;
      denseBias[j] = lowest - UNREACHABLE_MARGIN;
      continue;
    }
    embedding.set(found.embedding.values.subarray(s * dim, (s + 1) * dim), j * dim);
    for (let r = 0; r < units; r++) denseKernel[r * VOCAB_SIZE + j] = found.denseKernel.values[r * seedRows + s];
    denseBias[j] = found.denseBias.values[s];
  }
  const restored = restoreUnknownSymbol(root, dim, units, embedding, denseKernel, denseBias);

  let inputSize = dim;
  const lstm = found.lstm.map((l, i) => {
    const layer = { inputSize, units: spec.lstmUnits[i], kernel: copy(l.kernel), recurrentKernel: copy(l.recurrentKernel), bias: copy(l.bias) };
    inputSize = layer.units;
    return layer;
  });
  return {
    weights: { spec, embedding, lstm, denseKernel, denseBias },
    source: {
      format: file.kind === 'keras3' ? 'keras3' : 'keras2-h5',
      file: fileName,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(kerasVersion ? { kerasVersion } : {}),
      layers: [found.embedding.path, ...found.lstm.map((l) => l.kernel.path), found.denseKernel.path],
      fileDtypes: found.dtypes,
      seedVocabSize: seedRows,
      unreachable,
      unknownSymbolRestored: restored,
    },
  };
}

/** The model's configuration and the Keras version that saved it: config.json and metadata.json, or a Keras 2 file's attributes. */
function configOf(file: KerasFile, root: H5Group): { config: unknown; kerasVersion?: string } {
  if (file.kind === 'keras3') {
    const v = file.metadata.keras_version;
    return { config: file.config, kerasVersion: typeof v === 'string' ? v : undefined };
  }
  let config: unknown;
  const raw = root.attrs.model_config;
  if (typeof raw === 'string') {
    try {
      config = JSON.parse(raw);
    } catch {
      throw new KerasImportError('has a model_config attribute that is not JSON');
    }
  }
  const weightsRoot = root.children.get('model_weights');
  const v = (weightsRoot?.kind === 'group' ? weightsRoot.attrs.keras_version : undefined) ?? root.attrs.keras_version;
  return { config, kerasVersion: typeof v === 'string' ? v : undefined };
}

function copy(a: FoundArray): Float32Array {
  return a.values.slice();
}

/** Our export keeps the unknown symbol's row and column beside Keras's layers (keras-extra.ts): put them back. */
function restoreUnknownSymbol(root: H5Group, dim: number, units: number, embedding: Float32Array, denseKernel: Float32Array, denseBias: Float32Array): boolean {
  const g = root.children.get(EXTRA_GROUP);
  if (g?.kind !== 'group') return false;
  const get = (name: string, size: number) => {
    const d = g.children.get(name) as H5Dataset | undefined;
    return d?.kind === 'dataset' && d.values && d.values.length === size && d.values.every(Number.isFinite) ? d.values : undefined;
  };
  const e = get(EXTRA_UNKNOWN.embedding, dim);
  const k = get(EXTRA_UNKNOWN.denseKernel, units);
  const b = get(EXTRA_UNKNOWN.denseBias, 1);
  if (!e || !k || !b) return false;
  embedding.set(e, UNKNOWN_INDEX * dim);
  for (let r = 0; r < units; r++) denseKernel[r * VOCAB_SIZE + UNKNOWN_INDEX] = k[r];
  denseBias[UNKNOWN_INDEX] = b[0];
  return true;
}
