/**
 * What a checkpoint's meta.json says (its training, its corpus, its calibrated serving threshold) and the shapes
 * a loaded checkpoint and a save take: the types alone, for the modules that only read or pass them on.
 */
import type { ModelSpec, ModelWeights } from './architecture';
import type { VocabDescriptor } from './vocab';
import type { CHECKPOINT_FORMAT } from './output-folder';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  trainAccuracy?: number;
  valAccuracy?: number;
  learningRate?: number;
  chars: number;
  seconds: number;
}

export interface CorpusSummary {
  roots: string[];
  files: number;
  chars: number;
  trainChars?: number;
  valChars?: number;
  unknownRate?: number;
  skipped?: Record<string, number>;
  validationFiles?: string[];
  /** What validationFiles holds when it is more than this run's own split (scripts/ship-model.mjs). */
  heldOutNote?: string;
}

export interface TrainingInfo {
  mode: 'windows' | 'carried-state';
  hyperParameters: Record<string, number | string | boolean>;
  epochsDone: number;
  history: EpochRecord[];
  bestValLoss: number | null;
  wallSeconds: number;
  backend?: string;
  fineTunedFrom?: string;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  name: string;
  createdAt: string;
  spec: ModelSpec;
  vocab: VocabDescriptor;
  weightsDtype: 'float32' | 'float16';
  weightsSha256: string;
  training?: TrainingInfo;
  corpus?: CorpusSummary;
  /** Set when the weights are the mean of several checkpoints (`lstm-complete average`). */
  averagedFrom?: AveragedSource[];
  /** How this model serves best, measured after it was trained (a workspace run's calibration). */
  serving?: ServingCalibration;
  /** What the workspace run that made this model decided (Choose Checkpoint shows it). */
  outcome?: RunOutcome;
  /** The file another framework saved this model in, when it was imported (lstm-complete import-keras). */
  importedFrom?: ImportSource;
}

/** A model file from another framework that a checkpoint was made from: its kind, name and checksum, and what the import saw. */
export interface ImportSource {
  format: string;
  file: string;
  sha256: string;
  [detail: string]: unknown;
}

/** A workspace run's verdict as a checkpoint keeps it: whether completions switched to it, and the keys it saved. */
export interface RunOutcome {
  switched: boolean;
  /** Keys in 100 it saved over the model before it on the held-out files (negative: it typed more), when checked. */
  keysGained?: number;
}

/**
 * The confidence threshold chosen for one model by replaying typing on held-out files: a fine-tuned model is surer
 * of text like its training text than the bundled one, so the bundled model's threshold shows it more wrong
 * suggestions. Completions use it unless the user set lstmComplete.confidenceThreshold themselves.
 */
export interface ServingCalibration {
  confidenceThreshold: number;
  /** The accepted share of shown suggestions the choice had to keep (90% of the starting model's). */
  minAcceptedShare: number;
  /** Characters typed per threshold tried, and what each threshold gave. */
  chars: number;
  tried: { threshold: number; savings: number; acceptedShare: number }[];
}

/** Thresholds a checkpoint may ask completions to use: outside this, nothing or everything would be shown. */
export const SERVING_THRESHOLD_RANGE = [0.05, 0.95] as const;

export interface AveragedSource {
  name: string;
  epochsDone?: number;
  weightsSha256: string;
}

export interface Checkpoint {
  dir: string;
  meta: CheckpointMeta;
  weights: ModelWeights;
  /** Set when the folder was missing and its backup from an interrupted write was loaded instead. */
  recoveredFrom?: string;
}

export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'CheckpointError';
  }
}

export interface SaveOptions {
  name?: string;
  training?: TrainingInfo;
  corpus?: CorpusSummary;
  float16?: boolean;
  averagedFrom?: AveragedSource[];
  importedFrom?: ImportSource;
  /** Extra files (e.g. optimizer state) written into the folder with the checkpoint. */
  extraFiles?: Record<string, Buffer | string>;
}
