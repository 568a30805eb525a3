/**
 * The training loop: corpus -> by-file split -> batches -> Adam with global clip-norm -> periodic validation,
 * best-validation checkpoint in `out`, resumable latest state in `<out>-latest` (weights, optimizer moments,
 * history, position). Cancellation is checked between batches and keeps the best checkpoint; a
 * `maxMinutes` budget ends training cleanly the same way. Runs wherever it is called: the CLI and the
 * extension call it inside a worker (see worker-client.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { lockOutput } from '../../model/output-lock';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec, ModelSpec, ModelWeights } from '../../model/architecture';
import { initWeights } from '../../model/initializers';
import {
  saveCheckpoint,
  loadCheckpoint,
  EpochRecord,
  TrainingInfo,
  CorpusSummary,
  resolveCheckpointDir,
  ServingCalibration,
  setServingCalibration,
} from '../../model/checkpoint';
import { selectBackend, BackendPreference, BackendSelection } from '../../engine/backend';
import { buildCorpus, CorpusReport, EmptyCorpusError } from '../../data/corpus';
import { checkWritable } from '../../model/output-folder';
import { splitByFile, encodeFiles, planBatches, TrainingMode, Batch, focusTraining } from '../../data/dataset';
import { TrainableModel, Residency, LossResult } from '../graph/train-graph';
import { LstmState } from '../ops/lstm-op';
import { createAdam, setLearningRate, applyClipped, serializeOptimizer, restoreOptimizer } from '../graph/optimizer-state';
import { writeLossCurve } from './loss-curve';
import { GradientPool } from '../graph/gradient-pool';
import { serializeCarriedState, restoreCarriedState } from './carried-state-file';
import { readRun, runFiles, RunPosition } from './run-state';
import { corpusRule } from './budget-plan';

export interface TrainConfig {
  data: string[];
  out: string;
  /** Fine-tune: start from this checkpoint's weights (fresh optimizer and history). */
  from?: string;
  /** Continue from `<out>-latest` (or `out`) with its optimizer state, history and position. */
  resume?: boolean;
  epochs: number;
  batchSize: number;
  seqLen: number;
  lr: number;
  lrSchedule?: 'constant' | 'cosine';
  lrMin?: number;
  clipNorm?: number;
  validationSplit?: number;
  /**
   * Folders whose .py files are the validation set (whole projects the run never trains on); with it, every
   * file under `data` is trained on and `validationSplit` is not used.
   */
  valData?: string[];
  seed?: number;
  mode?: TrainingMode;
  maxMinutes?: number;
  /** Validate and checkpoint every N batches (default: once per epoch). */
  evalEvery?: number;
  /**
   * Validate and checkpoint once this many minutes after the start if no evaluation came earlier (default 5),
   * so a long epoch never has hours of work at risk before its first checkpoint.
   */
  firstCheckpointMinutes?: number;
  /** With maxMinutes: the learning-rate schedule runs over the time budget rather than over the epochs. */
  scheduleByTime?: boolean;
  /** Share of the schedule over which the learning rate rises linearly to lr (default 0). */
  warmup?: number;
  /**
   * Validate and checkpoint whenever this many minutes (and at least ten validations' time) have passed since the
   * last evaluation; unless evalEvery is given, instead of at each epoch's end.
   */
  evalEveryMinutes?: number;
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
  /**
   * Train on these files (absolute paths; keep learning's saved files) and about three times their text from
   * the other training files, not on the whole corpus; validation is the usual split of the whole corpus.
   */
  focusFiles?: string[];
  /** Hold out more of a small corpus for validation (budget-plan.ts's corpusRule). */
  smallCorpusRule?: boolean;
  /** Cap on validation characters per evaluation. */
  valMaxChars?: number;
  /** Also keep the weights of every evaluation in `<snapshotsDir>/epoch-<E>` (for `lstm-complete average`). */
  snapshotsDir?: string;
  maxCorpusChars?: number;
  maxFileBytes?: number;
  exclude?: string[];
  includeTests?: boolean;
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
  /**
   * Fine-tuning: the embedding and the first N LSTM layers keep their weights (0: everything trains). Their
   * backward pass is skipped, so each step costs less.
   */
  frozenLayers?: number;
  /** Model size overrides (tests use tiny models); ignored when starting from a checkpoint. */
  spec?: Partial<ModelSpec>;
  name?: string;
}

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
    files: { relative: string; text: string }[],
    opts?: { threshold?: number },
  ) => Promise<{ savings: number; chars: number; acceptedShare?: number }>;
  /**
   * Chooses the new model's confidence threshold on the validation files (replay/threshold-calibration.ts), given the
   * starting model's accepted share of shown suggestions in its keystroke check and its threshold (the search starts
   * there); `replays` is the most keystroke checks it costs (the budget keeps room for them).
   */
  calibrate?: {
    replays: number;
    run: (
      weights: ModelWeights,
      files: { relative: string; text: string }[],
      opts: { referenceAcceptedShare: number; from?: number },
    ) => Promise<ServingCalibration>;
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
const LN2 = Math.log(2);

/** The learning rate at `progress` (0..1) through the schedule: a linear warm-up, then constant or cosine. */
export function learningRateAt(cfg: Pick<TrainConfig, 'lr' | 'lrSchedule' | 'lrMin' | 'warmup'>, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  const warmup = cfg.warmup ?? 0;
  if (warmup > 0 && p < warmup) return (cfg.lr * (p + 1e-3)) / (warmup + 1e-3);
  if ((cfg.lrSchedule ?? 'constant') === 'constant') return cfg.lr;
  const min = cfg.lrMin ?? cfg.lr / 10;
  const q = warmup > 0 ? (p - warmup) / (1 - warmup) : p;
  return min + 0.5 * (cfg.lr - min) * (1 + Math.cos(Math.PI * q));
}

/** Mean cross-entropy and accuracy over a stream, state carried within each of B streams when asked. */
export async function evaluateStream(
  model: TrainableModel,
  stream: Uint8Array,
  mode: TrainingMode,
  batchSize: number,
  seqLen: number,
  maxChars?: number,
): Promise<{ loss: number; accuracy: number; chars: number }> {
  if (stream.length < seqLen + 1) return { loss: NaN, accuracy: NaN, chars: 0 };
  const limited = maxChars && stream.length > maxChars + 1 ? stream.subarray(0, maxChars + 1) : stream;
  const plan = planBatches(limited, mode, batchSize, seqLen, 1);
  let total = 0;
  let correct = 0;
  let chars = 0;
  let states: (LstmState | undefined)[] | undefined = mode === 'carried-state' ? [] : undefined;
  for (let i = 0; i < plan.batchesPerEpoch; i++) {
    const b = plan.batch(0, i);
    if (b.resetState && states) states = [];
    let r: LossResult | undefined;
    tf.tidy(() => {
      r = model.loss(b.inputs, b.targets, b.steps, b.batch, { training: false, states });
    });
    if (!r) continue;
    await r.finish();
    total += r.stats.crossEntropy * r.stats.chars;
    correct += r.stats.accuracy * r.stats.chars;
    chars += r.stats.chars;
  }
  return { loss: total / chars, accuracy: correct / chars, chars };
}

/** Where the run starts: fresh weights, a checkpoint to fine-tune, or a resumed run with all it kept. */
interface Start {
  weights: ModelWeights;
  history: EpochRecord[];
  position: RunPosition;
  bestValLoss: number | null;
  optimizer?: { json: string; bin: Buffer };
  carried?: Buffer;
  fineTunedFrom?: string;
  /** The threshold the starting checkpoint was calibrated to serve at (its meta.json's serving). */
  servingThreshold?: number;
}

function startingPoint(cfg: TrainConfig, out: string, latest: string, seed: number, log: (m: string) => void): Start {
  const fresh: RunPosition = { epoch: 0, batch: 0, step: 0, charsSeen: 0, wallSeconds: 0 };
  if (cfg.resume) {
    let dir: string;
    try {
      dir = resolveCheckpointDir(latest).dir;
    } catch {
      dir = resolveCheckpointDir(out).dir;
    }
    const r = readRun(dir);
    // The position, the optimizer state and each stream's carried state only mean something at the run's own batch
    // shape: resumed at another, a run trained nothing or diverged. Refused, with the run's own values.
    const hp = r.info?.hyperParameters;
    const was = { batchSize: hp?.batchSize, seqLen: hp?.seqLen, mode: r.info?.mode };
    const now = { batchSize: cfg.batchSize, seqLen: cfg.seqLen, mode: cfg.mode ?? 'windows' };
    if (hp && (was.batchSize !== now.batchSize || was.seqLen !== now.seqLen || (was.mode !== undefined && was.mode !== now.mode))) {
      throw new Error(
        `--resume continues ${dir}, a run of batch ${was.batchSize} × seq ${was.seqLen} (${was.mode}); this run asks for batch ${now.batchSize} × seq ${now.seqLen} (${now.mode}): resume with --batch-size ${was.batchSize} --seq-len ${was.seqLen} --mode ${was.mode}, or start a new run with --from`,
      );
    }
    const position = r.position ?? fresh;
    const history = r.info?.history ?? [];
    log(`resuming from ${dir} at epoch ${position.epoch}, batch ${position.batch} (${history.length} evaluations so far)`);
    return {
      weights: r.weights,
      history,
      position,
      bestValLoss: fs.existsSync(path.join(out, 'meta.json')) ? (loadCheckpoint(out).meta.training?.bestValLoss ?? null) : (r.info?.bestValLoss ?? null),
      optimizer: r.optimizer,
      carried: r.carried,
      fineTunedFrom: r.info?.fineTunedFrom,
    };
  }
  if (cfg.from) {
    const ck = loadCheckpoint(cfg.from);
    log(`fine-tuning from ${ck.dir} (${ck.meta.name})`);
    return {
      weights: ck.weights,
      history: [],
      position: fresh,
      bestValLoss: null,
      fineTunedFrom: ck.dir,
      servingThreshold: ck.meta.serving?.confidenceThreshold,
    };
  }
  return { weights: initWeights(makeSpec(cfg.spec), seed), history: [], position: fresh, bestValLoss: null };
}

/** The text a run trains and validates on, and how it is cut into batches. */
interface Data {
  valStream: Uint8Array;
  /** The validation files themselves (the keystroke check types them). */
  valFiles: { relative: string; text: string }[];
  summary: CorpusSummary;
  plan: ReturnType<typeof planBatches>;
  bpe: number;
  totalBatches: number;
  evalEvery: number;
  /** The hold-out share actually used (the small-corpus rule may raise it; 0 with valData). */
  validationSplit: number;
}

function loadData(cfg: TrainConfig, mode: TrainingMode, seed: number, log: (m: string) => void, onEvent: (e: TrainEvent) => void): Data {
  const read = { maxFileBytes: cfg.maxFileBytes, exclude: cfg.exclude, includeTests: cfg.includeTests };
  const corpus = buildCorpus(cfg.data, { ...read, maxTotalChars: cfg.maxCorpusChars });
  let validationSplit = cfg.validationSplit ?? 0.05;
  if (cfg.smallCorpusRule && !cfg.resume) {
    const rule = corpusRule(corpus.report.chars, validationSplit);
    if (rule.note) log(rule.note);
    validationSplit = rule.validationSplit;
  }
  const byProject = Boolean(cfg.valData?.length);
  const split = byProject ? { train: corpus.files, validation: buildCorpus(cfg.valData!, read).files } : splitByFile(corpus.files, validationSplit, seed);
  if (byProject) log(`validation: ${split.validation.length} files under ${cfg.valData!.join(', ')} (none of them trained on)`);
  if (cfg.focusFiles) {
    const focused = focusTraining(split.train, cfg.focusFiles, seed);
    if (!focused.length)
      throw new EmptyCorpusError(
        `none of the ${cfg.focusFiles.length} file(s) to learn from is a training file here (held out for validation, excluded, or not Python)`,
      );
    const kb = Math.round(focused.reduce((n, f) => n + f.text.length, 0) / 1000);
    log(`learning from the saved files: ${focused.length} files, ${kb} KB with the other files mixed in`);
    split.train = focused;
  }
  const trainStream = encodeFiles(split.train);
  const valStream = encodeFiles(split.validation);
  const summary: CorpusSummary = {
    roots: corpus.report.roots,
    files: corpus.report.files,
    chars: corpus.report.chars,
    trainChars: trainStream.length,
    valChars: valStream.length,
    unknownRate: corpus.report.unknownRate,
    skipped: corpus.report.skipped as Record<string, number>,
    validationFiles: split.validation.map((f) => f.relative),
  };
  onEvent({ type: 'corpus', report: corpus.report, trainChars: trainStream.length, valChars: valStream.length, validationFiles: split.validation.length });
  const plan = planBatches(trainStream, mode, cfg.batchSize, cfg.seqLen, seed);
  const bpe = plan.batchesPerEpoch;
  return {
    valStream,
    valFiles: split.validation.map((f) => ({ relative: f.relative, text: f.text })),
    summary,
    plan,
    bpe,
    totalBatches: Math.max(1, Math.round(cfg.epochs * bpe)),
    // A run that checkpoints by the clock (a time budget) does not also stop at every epoch's end.
    evalEvery: Math.max(1, cfg.evalEvery ?? (cfg.evalEveryMinutes !== undefined ? Infinity : bpe)),
    validationSplit: byProject ? 0 : validationSplit,
  };
}

/** Everything the loop and the checkpoints share while a run goes. */
interface Run {
  cfg: TrainConfig;
  mode: TrainingMode;
  out: string;
  latest: string;
  backend: string;
  data: Data;
  model: TrainableModel;
  opt: tf.AdamOptimizer;
  pool?: GradientPool;
  hyperParameters: Record<string, number | string | boolean>;
  fineTunedFrom?: string;
  position: RunPosition;
  history: EpochRecord[];
  bestValLoss: number | null;
  hooks: TrainHooks;
  /** The starting weights on the validation files (mustBeatStart): what the run must beat to write `out`. */
  startVal?: { loss: number; accuracy: number };
  /** Keystrokes saved by the starting model on the validation files, and how long that replay took (ms). */
  startKeys?: number;
  startAcceptedShare?: number;
  /** The threshold the starting model types at in the keystroke check (as the editor serves it). */
  startThreshold?: number;
  keysMs: number;
  improved: boolean;
  /** Carried-state mode: each stream's LSTM state between batches. */
  states?: (LstmState | undefined)[];
  sinceEval: { loss: number; acc: number; chars: number };
  evaluations: number;
  t0: number;
  wall0: number;
  deadline: number;
  lastEvalAt: number;
  /** How long the last evaluation took (ms): a budgeted run stops early enough for its final one. */
  lastEvalMs: number;
  charsThisRun: number;
  batchesThisRun: number;
}

/** What the run's checkpoints record of how it trains (meta.json's training.hyperParameters). */
function hyperParametersOf(cfg: TrainConfig, data: Data, spec: ModelSpec, seed: number, threads: number): Record<string, number | string | boolean> {
  return {
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    seqLen: cfg.seqLen,
    learningRate: cfg.lr,
    lrSchedule: cfg.lrSchedule ?? 'constant',
    lrMin: cfg.lrMin ?? cfg.lr / 10,
    clipNorm: cfg.clipNorm ?? 1,
    validationSplit: data.validationSplit,
    seed,
    dropout: spec.dropout,
    denseL2: spec.denseL2,
    ...(Number.isFinite(data.evalEvery) ? { evalEvery: data.evalEvery } : {}),
    threads,
    ...(cfg.threadsWhileBusy !== undefined && threads > 1 ? { threadsWhileBusy: cfg.threadsWhileBusy } : {}),
    ...(cfg.frozenLayers ? { frozenLayers: cfg.frozenLayers } : {}),
    ...(cfg.maxMinutes ? { maxMinutes: cfg.maxMinutes, scheduleByTime: Boolean(cfg.scheduleByTime) } : {}),
    ...(cfg.warmup ? { warmup: cfg.warmup } : {}),
    ...(cfg.evalEveryMinutes ? { evalEveryMinutes: cfg.evalEveryMinutes } : {}),
  };
}

/** The model, optimizer and gradient workers for a run, with its optimizer state and carried state restored. */
async function setUp(
  cfg: TrainConfig,
  mode: TrainingMode,
  seed: number,
  backend: BackendSelection,
  start: Start,
  data: Data,
  paths: { out: string; latest: string },
  hooks: TrainHooks,
  log: (m: string) => void,
): Promise<Run> {
  // GPU backends keep every value on the device; CPU backends run the gate maths in JS (faster there).
  const residency: Residency = cfg.residency ?? (backend.name === 'webgpu' ? 'device' : 'host');
  const frozenLayers = cfg.frozenLayers ?? 0;
  const model = new TrainableModel(start.weights, seed, residency, frozenLayers);
  const opt = createAdam(cfg.lr);
  let threads = Math.max(1, Math.floor(cfg.threads ?? 1));
  if (threads > 1 && residency === 'device') {
    log(`training: ${threads} threads asked for, but the ${backend.name} backend trains in one (the device does the parallel work)`);
    threads = 1;
  }
  const pool =
    threads > 1
      ? await GradientPool.create(threads, model.spec, { backend: cfg.backend, modulePaths: cfg.modulePaths, seed, frozenLayers, lowPriority: cfg.lowPriority })
      : undefined;
  if (pool) log(`training: gradients in ${pool.size} worker threads`);
  if (start.optimizer) await restoreOptimizer(opt, start.optimizer.json, start.optimizer.bin);
  let states: (LstmState | undefined)[] | undefined = mode === 'carried-state' ? [] : undefined;
  if (states && start.carried) {
    const restored = restoreCarriedState(start.carried, model.spec.lstmUnits, cfg.batchSize);
    if (restored) states = restored;
    log(
      restored
        ? `resuming the carried state of ${cfg.batchSize} streams`
        : 'the saved carried state does not fit this batch size or model; streams start from zeros',
    );
  }
  const hyperParameters = hyperParametersOf(cfg, data, model.spec, seed, threads);
  const now = Date.now();
  return {
    cfg,
    mode,
    ...paths,
    backend: backend.name,
    data,
    model,
    opt,
    pool,
    hyperParameters,
    hooks,
    fineTunedFrom: start.fineTunedFrom,
    startThreshold: cfg.servingThreshold ?? start.servingThreshold,
    position: start.position,
    history: start.history,
    bestValLoss: start.bestValLoss,
    improved: false,
    states,
    sinceEval: { loss: 0, acc: 0, chars: 0 },
    evaluations: 0,
    t0: now,
    wall0: start.position.wallSeconds,
    deadline: Infinity,
    lastEvalAt: now,
    lastEvalMs: 0,
    keysMs: 0,
    charsThisRun: 0,
    batchesThisRun: 0,
  };
}

const info = (run: Run): TrainingInfo => ({
  mode: run.mode,
  hyperParameters: run.hyperParameters,
  epochsDone: run.position.step / run.data.bpe,
  history: run.history,
  bestValLoss: run.bestValLoss,
  wallSeconds: run.position.wallSeconds,
  backend: run.backend,
  fineTunedFrom: run.fineTunedFrom,
});

/** Progress through the learning-rate schedule: by time within a budget, else by batches. */
const progress = (run: Run): number =>
  run.cfg.scheduleByTime && Number.isFinite(run.deadline) ? (Date.now() - run.t0) / (run.deadline - run.t0) : run.position.step / run.data.totalBatches;

/** Fine-tuning that must beat its start: score the starting weights first (the bar `out` must clear). */
async function measureStart(run: Run, onEvent: (e: TrainEvent) => void, log: (m: string) => void): Promise<void> {
  const { cfg, data } = run;
  if (!(cfg.mustBeatStart && cfg.from && !cfg.resume && data.valStream.length > cfg.seqLen)) return;
  const t = Date.now();
  run.startVal = await evaluateStream(run.model, data.valStream, run.mode, cfg.batchSize, cfg.seqLen, cfg.valMaxChars);
  run.lastEvalMs = Date.now() - t;
  run.bestValLoss = run.startVal.loss;
  onEvent({ type: 'start', valLoss: run.startVal.loss, valAccuracy: run.startVal.accuracy });
  log(`starting model: ${run.startVal.loss.toFixed(4)} nats/char on the validation files (${(run.startVal.accuracy * 100).toFixed(1)}% of characters right)`);
  const keys = await checkKeystrokes(run, 'start', await run.model.readWeights(), run.startThreshold, onEvent, log);
  if (keys) {
    run.startKeys = keys.savings;
    run.startAcceptedShare = keys.acceptedShare;
  }
}

/** The keystroke replay on the validation files (TrainConfig.keystrokeCheck), timed so the budget keeps room for it. */
async function checkKeystrokes(
  run: Run,
  model: 'start' | 'best',
  weights: ModelWeights,
  threshold: number | undefined,
  onEvent: (e: TrainEvent) => void,
  log: (m: string) => void,
): Promise<{ savings: number; acceptedShare?: number } | undefined> {
  const hooks = run.hooks;
  if (!(run.cfg.keystrokeCheck && hooks.keystrokes && run.data.valFiles.length)) return undefined;
  const t = Date.now();
  try {
    const r = await hooks.keystrokes(weights, run.data.valFiles, threshold === undefined ? {} : { threshold });
    run.keysMs = Date.now() - t;
    if (!r.chars) return undefined;
    onEvent({ type: 'keystrokes', model, savings: r.savings, chars: r.chars, acceptedShare: r.acceptedShare, threshold });
    const share = r.acceptedShare === undefined ? '' : `, ${(r.acceptedShare * 100).toFixed(1)}% of shown suggestions right`;
    log(
      `${model === 'start' ? 'starting model' : 'best checkpoint'}: the ghost text saves ${(r.savings * 100).toFixed(1)}% of keystrokes typing ${r.chars} characters of the validation files${share}${threshold === undefined ? '' : ` (threshold ${threshold})`}`,
    );
    return r;
  } catch (e) {
    // A figure for the report, never a reason to lose the run.
    log(`the keystroke check failed: ${(e as Error).message}`);
    return undefined;
  }
}

/** Keystroke checks the calibration may cost at the end of the run, the new model's own check included (0: none made). */
function calibrationReplays(run: Run): number {
  const c = run.hooks.calibrate;
  return c && run.cfg.servingThreshold === undefined && run.startAcceptedShare !== undefined ? c.replays : 0;
}

/**
 * The new model's confidence threshold, chosen on the validation files against the starting model's accepted share
 * (TrainHooks.calibrate) and written to its meta.json, where the editor reads it when the model serves.
 */
async function calibrate(run: Run, weights: ModelWeights, onEvent: (e: TrainEvent) => void, log: (m: string) => void): Promise<ServingCalibration | undefined> {
  const c = run.hooks.calibrate;
  if (!c || !calibrationReplays(run) || !run.data.valFiles.length) return undefined;
  try {
    const calibration = await c.run(weights, run.data.valFiles, { referenceAcceptedShare: run.startAcceptedShare!, from: run.startThreshold });
    setServingCalibration(run.out, calibration);
    onEvent({ type: 'calibrated', calibration });
    const tried = calibration.tried
      .map((p) => `${p.threshold}: ${(p.savings * 100).toFixed(1)}% saved, ${(p.acceptedShare * 100).toFixed(1)}% right`)
      .join('; ');
    log(
      `calibration: the new model serves at threshold ${calibration.confidenceThreshold} (accepted share kept >= ${(calibration.minAcceptedShare * 100).toFixed(1)}%; ${tried})`,
    );
    return calibration;
  } catch (e) {
    // The model is kept either way; it then serves at the settings' threshold.
    log(`the threshold calibration failed: ${(e as Error).message}`);
    return undefined;
  }
}

/** Validation, then the checkpoints: the resumable latest state always, `out` when this is the best so far. */
async function evaluateAndSave(run: Run, onEvent: (e: TrainEvent) => void, log: (m: string) => void): Promise<void> {
  const { cfg, data, model, out, latest } = run;
  const evalStart = Date.now();
  run.evaluations++;
  run.position.wallSeconds = run.wall0 + (Date.now() - run.t0) / 1000;
  const v =
    data.valStream.length > cfg.seqLen
      ? await evaluateStream(model, data.valStream, run.mode, cfg.batchSize, cfg.seqLen, cfg.valMaxChars)
      : { loss: NaN, accuracy: NaN, chars: 0 };
  const s = run.sinceEval;
  const trainLoss = s.chars ? s.loss / s.chars : NaN;
  const record: EpochRecord = {
    epoch: Math.round((run.position.step / data.bpe) * 1000) / 1000,
    trainLoss,
    valLoss: v.loss,
    trainAccuracy: s.chars ? s.acc / s.chars : undefined,
    valAccuracy: v.accuracy,
    learningRate: learningRateAt(cfg, progress(run)),
    chars: run.position.charsSeen,
    seconds: Math.round(run.position.wallSeconds),
  };
  run.history.push(record);
  const lossForBest = Number.isFinite(v.loss) ? v.loss : trainLoss;
  const best = run.bestValLoss === null || lossForBest < run.bestValLoss;
  if (best) run.bestValLoss = lossForBest;
  onEvent({ type: 'eval', record, best });
  const w = await model.readWeights();
  const name = cfg.name ?? path.basename(out);
  const carried = run.states ? serializeCarriedState(run.states, model.spec.lstmUnits, cfg.batchSize) : undefined;
  saveCheckpoint(latest, w, {
    name: `${name} (latest)`,
    training: info(run),
    corpus: data.summary,
    extraFiles: runFiles({ ...run.position, batchesPerEpoch: data.bpe }, await serializeOptimizer(run.opt), carried),
  });
  if (cfg.snapshotsDir) {
    const epoch = (run.position.step / data.bpe).toFixed(4);
    saveCheckpoint(path.join(cfg.snapshotsDir, `epoch-${epoch}`), w, { name: `${name} (epoch ${epoch})`, training: info(run), corpus: data.summary });
  }
  if (best) {
    saveCheckpoint(out, w, { name, training: info(run), corpus: data.summary });
    run.improved = true;
    onEvent({ type: 'checkpoint', dir: out, valLoss: lossForBest });
  } else if (run.improved || (!run.startVal && fs.existsSync(path.join(out, 'meta.json')))) {
    // Keep the best weights, but let its meta show the whole history.
    const bestCk = loadCheckpoint(out);
    saveCheckpoint(out, bestCk.weights, { name: bestCk.meta.name, training: { ...info(run), bestValLoss: run.bestValLoss }, corpus: data.summary });
  }
  try {
    // Beside the best weights; while nothing has beaten the start, `out` is not this run's to write.
    writeLossCurve(path.join(run.startVal && !run.improved ? latest : out, 'loss-curve.html'), run.history, name);
  } catch (e) {
    log(`could not write the loss curve: ${(e as Error).message}`);
  }
  run.sinceEval = { loss: 0, acc: 0, chars: 0 };
  run.lastEvalAt = Date.now();
  run.lastEvalMs = run.lastEvalAt - evalStart;
}

/** One batch: gradients (here or in the worker pool), the clipped Adam step, the running figures. */
async function trainStep(run: Run, onEvent: (e: TrainEvent) => void): Promise<void> {
  const { cfg, data, model, position } = run;
  const batch: Batch = data.plan.batch(position.epoch, position.batch);
  if (run.states && batch.resetState) run.states = [];
  const lr = learningRateAt(cfg, progress(run));
  setLearningRate(run.opt, lr);
  let stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
  let grads: Record<string, tf.Tensor>;
  let finish = async (): Promise<void> => undefined;
  if (run.pool) {
    const busy = cfg.threadsWhileBusy !== undefined && Boolean(run.hooks.editorBusy?.());
    const r = await run.pool.compute(model.weightArrays(), batch, run.states, busy ? cfg.threadsWhileBusy : undefined);
    grads = Object.fromEntries(model.trainableVariables.map((v, i) => [v.name, tf.tensor(r.grads[i], v.shape)]));
    stats = r.stats;
    if (run.states) run.states = r.states;
  } else {
    const g = model.gradients(batch.inputs, batch.targets, batch.steps, batch.batch, { training: true, states: run.states });
    grads = g.grads;
    stats = g.result.stats;
    finish = g.result.finish;
  }
  applyClipped(run.opt, grads, cfg.clipNorm ?? 1);
  await finish(); // device residency: the batch's loss, accuracy and carried state arrive here
  if (!Number.isFinite(stats.crossEntropy))
    throw new Error(`training diverged at step ${position.step} (loss ${stats.crossEntropy}); try a lower learning rate`);
  const chars = batch.steps * batch.batch;
  run.charsThisRun += chars;
  position.charsSeen += chars;
  run.sinceEval.loss += stats.crossEntropy * chars;
  run.sinceEval.acc += stats.accuracy * chars;
  run.sinceEval.chars += chars;
  position.step++;
  position.batch++;
  if (position.batch >= data.bpe) {
    position.batch = 0;
    position.epoch++;
  }
  const elapsed = (Date.now() - run.t0) / 1000;
  run.batchesThisRun++;
  let eta = ((data.totalBatches - position.step) * elapsed) / run.batchesThisRun;
  if (Number.isFinite(run.deadline)) eta = Math.min(eta, (run.deadline - Date.now()) / 1000);
  onEvent({
    type: 'batch',
    epoch: position.epoch,
    batch: position.batch,
    batchesPerEpoch: data.bpe,
    step: position.step,
    loss: stats.crossEntropy,
    accuracy: stats.accuracy,
    charsPerSec: Math.round(run.charsThisRun / Math.max(elapsed, 1e-3)),
    etaSeconds: Math.round(eta),
    learningRate: lr,
  });
}

/** Batches until the epochs, the budget or the user end the run; checkpoints on the schedule and at the end. */
async function loop(run: Run, onEvent: (e: TrainEvent) => void, isCancelled: () => boolean, log: (m: string) => void): Promise<TrainSummary['stoppedBy']> {
  const { cfg, data } = run;
  run.t0 = Date.now();
  run.lastEvalAt = run.t0;
  run.deadline = cfg.maxMinutes ? run.t0 + cfg.maxMinutes * 60_000 : Infinity;
  let stoppedBy: TrainSummary['stoppedBy'] = 'completed';
  while (run.position.step < data.totalBatches) {
    if (isCancelled()) {
      stoppedBy = 'cancelled';
      break;
    }
    // The final evaluation and save happen within the budget, not after it.
    if (Date.now() + run.lastEvalMs + run.keysMs * Math.max(1, calibrationReplays(run)) >= run.deadline) {
      stoppedBy = 'time-budget';
      break;
    }
    await trainStep(run, onEvent);
    const now = Date.now();
    const firstCheckpointDue = run.evaluations === 0 && now - run.t0 > (cfg.firstCheckpointMinutes ?? 5) * 60_000;
    // Validation is time not spent learning: checkpoints come no closer than ten validations' time apart.
    const minutesDue = cfg.evalEveryMinutes !== undefined && now - run.lastEvalAt >= Math.max(cfg.evalEveryMinutes * 60_000, 10 * run.lastEvalMs);
    if (run.position.step % data.evalEvery === 0 || run.position.step === data.totalBatches || firstCheckpointDue || minutesDue)
      await evaluateAndSave(run, onEvent, log);
    // Let messages (cancel) in between batches.
    await new Promise((r) => setImmediate(r));
  }
  if (run.sinceEval.chars > 0) await evaluateAndSave(run, onEvent, log);
  return stoppedBy;
}

export async function train(
  cfg: TrainConfig,
  onEvent: (e: TrainEvent) => void = () => undefined,
  isCancelled: () => boolean = () => false,
  hooks: TrainHooks = {},
): Promise<TrainSummary> {
  const log = (message: string) => onEvent({ type: 'log', message });
  const backend = await selectBackend({ preferred: cfg.backend ?? 'auto', log, modulePaths: cfg.modulePaths });
  onEvent({ type: 'backend', name: backend.name, ...(backend.device ? { device: backend.device } : {}) });
  const mode: TrainingMode = cfg.mode ?? 'windows';
  const seed = cfg.seed ?? 1;
  const out = path.resolve(cfg.out);
  const latest = latestDir(out);
  // Before any work: a destination that cannot take a checkpoint fails now, not after an epoch.
  for (const d of [out, latest, ...(cfg.snapshotsDir ? [path.join(cfg.snapshotsDir, 'epoch-0')] : [])]) checkWritable(d);
  // One writer per destination: a second run on the same --out is refused here, naming the first.
  const unlock = lockOutput(out);
  try {
    return await trainLocked(cfg, onEvent, isCancelled, hooks, { log, backend, mode, seed, out, latest });
  } finally {
    unlock();
  }
}

async function trainLocked(
  cfg: TrainConfig,
  onEvent: (e: TrainEvent) => void,
  isCancelled: () => boolean,
  hooks: TrainHooks,
  ctx: { log: (m: string) => void; backend: Awaited<ReturnType<typeof selectBackend>>; mode: TrainingMode; seed: number; out: string; latest: string },
): Promise<TrainSummary> {
  const { log, backend, mode, seed, out, latest } = ctx;
  const start = startingPoint(cfg, out, latest, seed, log);
  const data = loadData(cfg, mode, seed, log, onEvent);
  const run = await setUp(cfg, mode, seed, backend, start, data, { out, latest }, hooks, log);
  let stoppedBy: TrainSummary['stoppedBy'];
  let keys: { savings: number; acceptedShare?: number } | undefined;
  let calibration: ServingCalibration | undefined;
  let threshold: number | undefined;
  try {
    await measureStart(run, onEvent, log);
    stoppedBy = await loop(run, onEvent, isCancelled, log);
    // What the new model's ghost text saves, beside the start's figure: a few seconds, after a cancel too, since
    // completions switched to that model either way. A cancelled run skips the calibration (it would take longer).
    if (run.startKeys !== undefined && run.improved) {
      const weights = loadCheckpoint(out).weights;
      if (stoppedBy !== 'cancelled') calibration = await calibrate(run, weights, onEvent, log);
      threshold = calibration?.confidenceThreshold ?? run.cfg.servingThreshold;
      // The calibration typed the check's own text at the chosen threshold: that is the new model's figure.
      const chosen = calibration?.tried.find((p) => p.threshold === threshold);
      if (calibration && chosen) {
        keys = chosen;
        onEvent({ type: 'keystrokes', model: 'best', savings: chosen.savings, chars: calibration.chars, acceptedShare: chosen.acceptedShare, threshold });
      } else keys = await checkKeystrokes(run, 'best', weights, threshold, onEvent, log);
    }
  } finally {
    run.model.dispose();
    run.opt.dispose();
    await run.pool?.dispose();
  }
  const seconds = (Date.now() - run.t0) / 1000;
  return {
    out,
    latest,
    stoppedBy,
    epochs: run.position.step / data.bpe,
    steps: run.position.step,
    chars: run.charsThisRun,
    seconds,
    charsPerSec: Math.round(run.charsThisRun / Math.max(seconds, 1e-3)),
    bestValLoss: run.bestValLoss,
    bestValBitsPerChar: run.bestValLoss === null ? null : run.bestValLoss / LN2,
    history: run.history,
    backend: backend.name,
    mode,
    ...(run.startVal ? { startValLoss: run.startVal.loss, startValAccuracy: run.startVal.accuracy } : {}),
    ...(run.startKeys !== undefined ? { startKeystrokeSavings: run.startKeys } : {}),
    ...(keys ? { keystrokeSavings: keys.savings } : {}),
    ...(run.startAcceptedShare !== undefined ? { startAcceptedShare: run.startAcceptedShare } : {}),
    ...(keys?.acceptedShare !== undefined ? { acceptedShare: keys.acceptedShare } : {}),
    ...(run.startThreshold !== undefined ? { startThreshold: run.startThreshold } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(calibration ? { calibration } : {}),
    improved: run.improved || (!run.startVal && run.bestValLoss !== null),
  };
}
