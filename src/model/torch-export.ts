/**
 * A model trained on PyTorch (train/torch/), as its exporter leaves it: weights.bin (float32, little-endian, every
 * weight in our order and layout: the exporter transposed PyTorch's matrices and summed its two LSTM biases) and
 * export.json (format, spec, the weights' names and shapes, their SHA-256, the run's training record and corpus).
 * Read here with the checks a checkpoint gets (bounded reads, the spec's limits, the names and sizes, the checksum,
 * finite values, validation files inside their folder), so `lstm-complete import-torch` writes a checkpoint with the
 * project's own writer and nothing from the export is trusted unchecked.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { MAX_LAYERS, MAX_PARAMETERS, MAX_UNITS, ModelSpec, ModelWeights, isSpecShape, parameterCount, weightEntries, weightsFromList } from './architecture';
import { CorpusSummary, TrainingInfo } from './checkpoint-meta';
import { VOCAB_SIZE } from './vocab';
import { isContainedRelative, readBounded } from '../util/bounded-read';

export const TORCH_EXPORT_FORMAT = 'lstm-complete-torch-export';
export const TORCH_EXPORT_FORMAT_VERSION = 1;
const MAX_JSON_BYTES = 16 * 1024 * 1024;

export interface TorchExport {
  weights: ModelWeights;
  training?: TrainingInfo;
  corpus?: CorpusSummary;
  sha256: string;
}

export class TorchExportError extends Error {
  override name = 'TorchExportError';
}

function specOf(raw: unknown, file: string): ModelSpec {
  const s = raw as Partial<ModelSpec> | undefined;
  if (
    !isSpecShape(s, VOCAB_SIZE) ||
    typeof s.dropout !== 'number' ||
    !(s.dropout >= 0 && s.dropout < 1) ||
    typeof s.denseL2 !== 'number' ||
    !(s.denseL2 >= 0)
  ) {
    throw new TorchExportError(`${file}: no valid model spec (vocabulary of ${VOCAB_SIZE}, 1 to ${MAX_LAYERS} layers of at most ${MAX_UNITS} units)`);
  }
  const spec: ModelSpec = { vocabSize: s.vocabSize, embeddingDim: s.embeddingDim!, lstmUnits: [...s.lstmUnits], dropout: s.dropout, denseL2: s.denseL2 };
  if (parameterCount(spec) > MAX_PARAMETERS)
    throw new TorchExportError(`${file}: ${parameterCount(spec)} weights, more than the ${MAX_PARAMETERS} a checkpoint may hold`);
  return spec;
}

/** The run's record, kept only where it has the checkpoint's shape (a record that does not is left out, said by the caller). */
function trainingOf(raw: unknown): TrainingInfo | undefined {
  const t = raw as Partial<TrainingInfo> | undefined;
  if (!t || !Array.isArray(t.history) || typeof t.epochsDone !== 'number' || typeof t.wallSeconds !== 'number') return undefined;
  const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (!t.history.every((h) => h && num(h.trainLoss) && num(h.valLoss) && num(h.chars) && num(h.seconds))) return undefined;
  return {
    mode: t.mode === 'carried-state' ? 'carried-state' : 'windows',
    hyperParameters: typeof t.hyperParameters === 'object' && t.hyperParameters ? t.hyperParameters : {},
    epochsDone: t.epochsDone,
    history: t.history,
    bestValLoss: num(t.bestValLoss) ? t.bestValLoss! : null,
    wallSeconds: t.wallSeconds,
    ...(typeof t.backend === 'string' ? { backend: t.backend.slice(0, 200) } : {}),
    ...(typeof t.fineTunedFrom === 'string' ? { fineTunedFrom: t.fineTunedFrom.slice(0, 200) } : {}),
  };
}

function corpusOf(raw: unknown, file: string): CorpusSummary | undefined {
  const c = raw as Partial<CorpusSummary> | undefined;
  if (!c || typeof c.files !== 'number' || typeof c.chars !== 'number' || !Array.isArray(c.roots)) return undefined;
  const bad = (c.validationFiles ?? []).find((f) => !isContainedRelative(f));
  if (bad !== undefined) throw new TorchExportError(`${file}: corpus.validationFiles names ${JSON.stringify(bad)}, a path outside its folder: refused`);
  return { ...c, roots: c.roots.map(String) } as CorpusSummary;
}

/** Reads and checks an export folder; every refusal names the file and the problem. */
export function readTorchExport(dir: string): TorchExport {
  const jsonFile = path.join(dir, 'export.json');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(readBounded(jsonFile, MAX_JSON_BYTES).toString('utf8'));
  } catch (e) {
    throw new TorchExportError(e instanceof SyntaxError ? `${jsonFile} is not valid JSON (truncated?)` : (e as Error).message);
  }
  if (body.format !== TORCH_EXPORT_FORMAT)
    throw new TorchExportError(`${jsonFile}: not a PyTorch export of lstm-complete (format ${JSON.stringify(body.format)})`);
  if (body.formatVersion !== TORCH_EXPORT_FORMAT_VERSION)
    throw new TorchExportError(`${jsonFile}: format version ${body.formatVersion}; this build reads ${TORCH_EXPORT_FORMAT_VERSION}`);
  const spec = specOf(body.spec, jsonFile);
  const entries = weightEntries(spec);
  const listed = body.weights as { name: string; shape: number[] }[] | undefined;
  if (!Array.isArray(listed) || JSON.stringify(listed.map((w) => [w?.name, w?.shape])) !== JSON.stringify(entries.map((e) => [e.name, e.shape]))) {
    throw new TorchExportError(`${jsonFile}: its weights are not the spec's, in our order (${entries.map((e) => e.name).join(', ')})`);
  }
  const binFile = path.join(dir, 'weights.bin');
  const expected = parameterCount(spec) * 4;
  const bin = readBounded(binFile, expected);
  if (bin.length !== expected) throw new TorchExportError(`${binFile}: ${bin.length} bytes, expected ${expected} (${parameterCount(spec)} float32 weights)`);
  const sha256 = createHash('sha256').update(bin).digest('hex');
  if (body.weightsSha256 !== sha256) throw new TorchExportError(`${binFile}: its checksum does not match export.json (corrupted, or from another export)`);
  const flat = new Float32Array(expected / 4);
  for (let i = 0; i < flat.length; i++) flat[i] = bin.readFloatLE(i * 4);
  let off = 0;
  const list = entries.map((e) => {
    const n = e.shape.reduce((p, d) => p * d, 1);
    const a = flat.subarray(off, off + n);
    off += n;
    const i = a.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw new TorchExportError(`${binFile}: weight ${e.name} holds NaN or infinite values (a diverged run?)`);
    return a;
  });
  return { weights: weightsFromList(spec, list), training: trainingOf(body.training), corpus: corpusOf(body.corpus, jsonFile), sha256 };
}
