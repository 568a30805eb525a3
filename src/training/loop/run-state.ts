/**
 * The resumable run's format, owned here: what `<out>-latest` holds besides the weights and meta.json, how
 * to read it back, and the arithmetic scripts need to continue a run (batches per epoch, a warm restart's
 * learning rate). The trainer writes and reads it through these functions; scripts/pretrain.mjs,
 * scripts/model-card.mjs and the GPU scripts load the bundled copy (dist/scripts/run-state.js).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint, CheckpointError, PREVIOUS_SUFFIX, CheckpointMeta, CorpusSummary, TrainingInfo } from '../../model/checkpoint';
import { weightList, type ModelWeights } from '../../model/architecture';
import { MAX_JSON_BYTES } from '../../model/output-folder';
import { BoundedReadError, readBounded } from '../../util/bounded-read';

/** A run's position is a few numbers; the carried state is B streams × layers × (h, c) × units floats. */
const MAX_POSITION_BYTES = 1 << 20;
const MAX_CARRIED_BYTES = 128 << 20;

export const TRAINER_STATE_FILE = 'trainer-state.json';
export const OPTIMIZER_FILES = ['optimizer.json', 'optimizer.bin'] as const;
export const CARRIED_STATE_FILE = 'carried-state.bin';

/** Where a run stands: the next batch to train, how far it has come, and how it counts batches. */
export interface RunPosition {
  epoch: number;
  batch: number;
  step: number;
  charsSeen: number;
  wallSeconds: number;
  /** Written since this module owns the format; older files leave it out (batchesPerEpoch() then derives it). */
  batchesPerEpoch?: number;
  /** The dropout generator's state after the last batch (TrainableModel.dropoutState); older files leave it out. */
  dropoutState?: number;
}

export interface SavedRun {
  dir: string;
  /** Set when the run was read from a backup (DIR.bak, or the previous generation of an interrupted save). */
  recoveredFrom?: string;
  weights: ModelWeights;
  info?: TrainingInfo;
  corpus?: CorpusSummary;
  position?: RunPosition;
  optimizer?: { json: string; bin: Buffer };
  carried?: Buffer;
}

/** A state file's JSON, or an error that names the file (a resume from a corrupted run said only "Unexpected token"). */
function parsedJson(file: string, maxBytes: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(readBounded(file, maxBytes).toString('utf8'));
  } catch (e) {
    if (e instanceof BoundedReadError) throw new CheckpointError(file, `${e.reason}; resume from another run or start a new one`);
    throw new CheckpointError(file, `is not valid JSON (truncated or corrupted?): ${(e as Error).message}; resume from another run or start a new one`);
  }
  if (!value || typeof value !== 'object') throw new CheckpointError(file, 'does not hold the state of a run');
  return value;
}

/** Reads everything a resumed run needs from a checkpoint folder (the parts a plain checkpoint lacks are absent). */
export function readRun(dir: string): SavedRun {
  const ck = loadCheckpoint(dir);
  // An in-place save killed mid-rename loads its previous generation (NAME.prev): the side files must come from
  // that generation too, or the run resumes with a position 20 steps past its weights.
  const suffix = ck.recoveredFrom?.endsWith(PREVIOUS_SUFFIX) ? PREVIOUS_SUFFIX : '';
  const file = (name: string) => path.join(ck.dir, name + suffix);
  const [optJson, optBin] = OPTIMIZER_FILES.map(file);
  // Adam keeps two float32 moments per weight: optimizer.bin holds at most twice the weights (plus its step counts).
  const params = weightList(ck.weights).reduce((n, a) => n + a.length, 0);
  const bounded = (f: string, max: number) => {
    try {
      return readBounded(f, max);
    } catch (e) {
      if (e instanceof BoundedReadError) throw new CheckpointError(f, `${e.reason}; resume from another run or start a new one`);
      throw e;
    }
  };
  return {
    dir: ck.dir,
    recoveredFrom: ck.recoveredFrom,
    weights: ck.weights,
    info: ck.meta.training,
    corpus: ck.meta.corpus,
    position: fs.existsSync(file(TRAINER_STATE_FILE)) ? (parsedJson(file(TRAINER_STATE_FILE), MAX_POSITION_BYTES) as RunPosition) : undefined,
    optimizer:
      fs.existsSync(optJson) && fs.existsSync(optBin)
        ? { json: JSON.stringify(parsedJson(optJson, MAX_JSON_BYTES)), bin: bounded(optBin, 2 * 4 * params + 65536) }
        : undefined,
    carried: fs.existsSync(file(CARRIED_STATE_FILE)) ? bounded(file(CARRIED_STATE_FILE), MAX_CARRIED_BYTES) : undefined,
  };
}

/** The files beside the weights that make a checkpoint resumable (saveCheckpoint's extraFiles). */
export function runFiles(
  position: RunPosition,
  optimizer: Record<(typeof OPTIMIZER_FILES)[number], string | Buffer>,
  carried?: Buffer,
): Record<string, string | Buffer> {
  return { ...optimizer, [TRAINER_STATE_FILE]: JSON.stringify(position), ...(carried ? { [CARRIED_STATE_FILE]: carried } : {}) };
}

/** The position after `step` batches of `bpe` per epoch. */
export function positionAt(step: number, bpe: number, charsSeen: number, wallSeconds: number): RunPosition {
  return { epoch: Math.floor(step / bpe), batch: step % bpe, step, charsSeen, wallSeconds, batchesPerEpoch: bpe };
}

/**
 * Batches per epoch of a checkpoint's run: as its trainer-state recorded, else as the trainer counts them in
 * carried-state mode (each of B streams cut into windows of seqLen).
 */
export function batchesPerEpoch(meta: Pick<CheckpointMeta, 'training' | 'corpus'>, position?: RunPosition): number {
  if (position?.batchesPerEpoch) return position.batchesPerEpoch;
  const hp = meta.training!.hyperParameters;
  return Math.floor((meta.corpus?.trainChars ?? 0) / (Number(hp.batchSize) * Number(hp.seqLen)));
}

/**
 * The nominal --lr for which the trainer's cosine (over all `total` epochs from 0, down to `lrMin`) is at
 * `restart` at epoch `at`: how a resumed run gets a warm restart of a chosen height.
 */
export function restartPeakLr(at: number, total: number, restart: number, lrMin: number): number {
  return lrMin + (restart - lrMin) / (0.5 * (1 + Math.cos((Math.PI * at) / total)));
}
