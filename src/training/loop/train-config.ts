/**
 * What a training run is given and what it tells: the configuration, the events it sends while it goes, the hooks
 * the editor and the CLI lend it, the summary it ends with; and the learning-rate schedule, which is configuration
 * turned into a number. No tfjs: a caller that only starts runs or reads their events imports this alone.
 */
import * as path from 'path';
import type { ModelSpec, ModelWeights } from '../../model/architecture';
import type { EpochRecord, ServingCalibration } from '../../model/checkpoint';
import type { BackendPreference } from '../../backends/backend';
import type { CorpusReport } from '../../data/corpus';
import type { CachePrior, TrainingMode } from '../../data/dataset';
import type { LineTally, PairedGain } from '../../util/paired-gain';
import type { Residency } from '../graph/train-graph';

/** What a run reads: the folders, how they are filtered and capped, and which files are held out to validate on. */
export interface CorpusConfig {
  data: string[];
  /**
   * Folders whose .py files are the validation set (whole projects the run never trains on); with it, every
   * file under `data` is trained on and `validationSplit` is not used.
   */
  valData?: string[];
  validationSplit?: number;
  maxCorpusChars?: number;
  maxFileBytes?: number;
  exclude?: string[];
  includeTests?: boolean;
  /**
   * Train on these files (absolute paths; keep learning's saved files) and about three times their text from
   * the other training files, not on the whole corpus; validation is the usual split of the whole corpus.
   */
  focusFiles?: string[];
  /** Hold out more of a small corpus for validation (budget-plan.ts's corpusRule). */
  smallCorpusRule?: boolean;
  /** Cap on validation characters per evaluation. */
  valMaxChars?: number;
}

/** How a run learns: the model, the batches, the optimizer and its schedule. */
export interface LearningConfig {
  /** Model size overrides (tests use tiny models); ignored when starting from a checkpoint. */
  spec?: Partial<ModelSpec>;
  /**
   * Fine-tuning: the embedding and the first N LSTM layers keep their weights (0: everything trains). Their
   * backward pass is skipped, so each step costs less.
   */
  frozenLayers?: number;
  seed?: number;
  mode?: TrainingMode;
  epochs: number;
  batchSize: number;
  seqLen: number;
  lr: number;
  lrSchedule?: 'constant' | 'cosine';
  lrMin?: number;
  /** Share of the schedule over which the learning rate rises linearly to lr (default 0). */
  warmup?: number;
  /** With maxMinutes: the learning-rate schedule runs over the time budget rather than over the epochs. */
  scheduleByTime?: boolean;
  clipNorm?: number;
  /**
   * Fine-tuning: minimise the loss of the distribution the editor serves, the LSTM mixed with the workspace cache
   * (TrainHooks.cachePrior), rather than the LSTM's alone, so the run learns what the cache does not already supply.
   */
  cacheAware?: boolean;
}

/** Where a run starts and writes, when it validates and saves, and when it ends. */
export interface CheckpointConfig {
  out: string;
  /** Fine-tune: start from this checkpoint's weights (fresh optimizer and history). */
  from?: string;
  /** Continue from `<out>-latest` (or `out`) with its optimizer state, history and position. */
  resume?: boolean;
  name?: string;
  maxMinutes?: number;
  /** Validate and checkpoint every N batches (default: once per epoch). */
  evalEvery?: number;
  /**
   * Validate and checkpoint whenever this many minutes (and at least ten validations' time) have passed since the
   * last evaluation; unless evalEvery is given, instead of at each epoch's end.
   */
  evalEveryMinutes?: number;
  /**
   * Validate and checkpoint once this many minutes after the start if no evaluation came earlier (default 5),
   * so a long epoch never has hours of work at risk before its first checkpoint.
   */
  firstCheckpointMinutes?: number;
  /** Also keep the weights of every evaluation in `<snapshotsDir>/epoch-<E>` (for `lstm-complete average`). */
  snapshotsDir?: string;
}

/** What a fine-tune must show before its model is used: the editor's switch rule and the serving threshold. */
export interface RunChecksConfig {
  /**
   * Fine-tuning: measure the starting weights on the validation files first and write `out` only with
   * weights that beat them, so a run that does not help leaves the model it started from in place.
   */
  mustBeatStart?: boolean;
  /**
   * With mustBeatStart: also replay typing on the validation files with the starting model and with the best
   * checkpoint (TrainHooks.keystrokes), so the run can say what its ghost text saves before and after.
   */
  keystrokeCheck?: boolean;
  /**
   * The confidence threshold the user set for completions (lstmComplete.confidenceThreshold): both keystroke checks
   * type at it and no threshold is calibrated. Undefined: the starting model types at its own calibrated threshold
   * (or the default), and the new model is calibrated (TrainHooks.calibrate) and types at what was chosen.
   */
  servingThreshold?: number;
}

/** Where a run computes: the backend, the threads and their priority, where tensors live. */
export interface PlacementConfig {
  backend?: BackendPreference;
  /** Worker threads computing gradients in parallel (data parallel); 1 = in this thread. */
  threads?: number;
  /**
   * The editor's runs: the training threads (this one and the gradient workers) run at a lower CPU priority
   * (util/thread-priority.ts), so typing gets the cores first when both want them.
   */
  lowPriority?: boolean;
  /** With threads > 1: how many of them work while the editor is in use (TrainHooks.editorBusy); default all. */
  threadsWhileBusy?: number;
  /** Where the training maths runs: 'device' for GPU backends (the default on webgpu), 'host' otherwise. */
  residency?: Residency;
  /** Extra folders where native backends are installed (see engine/native-install.ts). */
  modulePaths?: string[];
}

/** A training run's configuration: one interface per concern, each read by the stage it concerns (run-setup reads the corpus, the loop the learning and checkpoints, the checks theirs, the backend selection the placement). */
export type TrainConfig = CorpusConfig & LearningConfig & CheckpointConfig & RunChecksConfig & PlacementConfig;

export type TrainEvent =
  | { type: 'log'; message: string }
  /** The backend the run trains on, once chosen (the editor shows it; no need to read it out of the log). */
  | { type: 'backend'; name: string; device?: string }
  | { type: 'corpus'; report: CorpusReport; trainChars: number; valChars: number; validationFiles: number }
  | { type: 'start'; valLoss: number; valAccuracy: number }
  | {
      type: 'batch';
      epoch: number;
      batch: number;
      batchesPerEpoch: number;
      step: number;
      loss: number;
      accuracy: number;
      charsPerSec: number;
      etaSeconds: number | null;
      learningRate: number;
    }
  | { type: 'eval'; record: EpochRecord; best: boolean }
  | { type: 'checkpoint'; dir: string; valLoss: number }
  /** Keystrokes the ghost text saves on the validation files, with the starting model or the best checkpoint. */
  | { type: 'keystrokes'; model: 'start' | 'best'; savings: number; chars: number; acceptedShare?: number; threshold?: number }
  /** The confidence threshold chosen for the new model (TrainHooks.calibrate), stored in its meta.json. */
  | { type: 'calibrated'; calibration: ServingCalibration };

/**
 * What a host adds to a run that the training code does not own: the keystroke replay lives in replay/, which
 * the training loop does not import; the training worker passes it in.
 */
export interface TrainHooks {
  /** Whether the user is working in the editor now (TrainConfig.threadsWhileBusy applies); read before each batch. */
  editorBusy?: () => boolean;
  keystrokes?: (
    weights: ModelWeights,
    files: { relative: string; text: string; before?: string }[],
    opts?: { threshold?: number },
  ) => Promise<{ savings: number; chars: number; acceptedShare?: number; lines?: LineTally[] }>;
  /**
   * Chooses the new model's confidence threshold on the validation files (replay/threshold-calibration.ts), given the
   * starting model's accepted share of shown suggestions in its keystroke check and its threshold (the search starts
   * there); `replays` is the most keystroke checks it costs (the budget keeps room for them).
   */
  /** The completion cache's prior over the training text (completion/cache-prior.ts), for LearningConfig.cacheAware. */
  cachePrior?: (weights: ModelWeights, files: { text: string }[]) => CachePrior;
  calibrate?: {
    replays: number;
    run: (
      weights: ModelWeights,
      files: { relative: string; text: string; before?: string }[],
      opts: { referenceAcceptedShare: number; from?: number },
    ) => Promise<ServingCalibration & { chosenLines?: LineTally[] }>;
  };
}

export interface TrainSummary {
  out: string;
  latest: string;
  stoppedBy: 'completed' | 'cancelled' | 'time-budget';
  epochs: number;
  steps: number;
  chars: number;
  seconds: number;
  charsPerSec: number;
  bestValLoss: number | null;
  bestValBitsPerChar: number | null;
  /** The starting weights on the same validation files (fine-tuning with mustBeatStart). */
  startValLoss?: number;
  startValAccuracy?: number;
  /** Keystrokes saved on the validation files (TrainConfig.keystrokeCheck): by the starting model, by the best checkpoint. */
  startKeystrokeSavings?: number;
  keystrokeSavings?: number;
  /** The accepted share of shown suggestions in those checks. */
  startAcceptedShare?: number;
  acceptedShare?: number;
  /**
   * What the new model saves over the start on the same typed lines, with its bootstrap range (util/paired-gain.ts):
   * the switch rule's figure, when both checks ran.
   */
  keystrokeGain?: PairedGain;
  /** The confidence threshold each model typed at (undefined: the completion settings' default). */
  startThreshold?: number;
  threshold?: number;
  /** The new model's calibration (written to its meta.json), when one was made. */
  calibration?: ServingCalibration;
  /** Whether `out` holds weights of this run (false: nothing beat the start, `out` was left alone). */
  improved: boolean;
  history: EpochRecord[];
  backend: string;
  mode: TrainingMode;
}

export const latestDir = (out: string): string => `${path.resolve(out)}-latest`;

/** The learning rate at `progress` (0..1) through the schedule: a linear warm-up, then constant or cosine. */
export function learningRateAt(cfg: Pick<LearningConfig, 'lr' | 'lrSchedule' | 'lrMin' | 'warmup'>, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  const warmup = cfg.warmup ?? 0;
  if (warmup > 0 && p < warmup) return (cfg.lr * (p + 1e-3)) / (warmup + 1e-3);
  if ((cfg.lrSchedule ?? 'constant') === 'constant') return cfg.lr;
  const min = cfg.lrMin ?? cfg.lr / 10;
  const q = warmup > 0 ? (p - warmup) / (1 - warmup) : p;
  return min + 0.5 * (cfg.lr - min) * (1 + Math.cos(Math.PI * q));
}
