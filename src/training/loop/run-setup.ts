/**
 * Setting a run up: where it starts (fresh weights, a checkpoint to fine-tune, a resumed run), the corpus split
 * and batched, the backend and the model on it, and the `Run` record the loop and the checkpoints share.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec, ModelSpec, ModelWeights } from '../../model/architecture';
import { initWeights } from '../../model/initializers';
import { loadCheckpoint, EpochRecord, TrainingInfo, CorpusSummary, resolveCheckpointDir } from '../../model/checkpoint';
import { BackendSelection } from '../../backends/backend';
import { buildCorpus, CorpusFile, EmptyCorpusError } from '../../data/corpus';
import { splitByFile, encodeFiles, planBatches, TrainingMode, focusTraining, parseHeldOutPart, CachePrior } from '../../data/dataset';
import { TrainableModel, Residency } from '../graph/train-graph';
import { LstmState } from '../ops/lstm-op';
import { createAdam, restoreOptimizer } from '../graph/optimizer-state';
import { GradientPool } from '../graph/gradient-pool';
import { restoreCarriedState } from './carried-state-file';
import { readRun, RunPosition } from './run-state';
import { corpusRule } from './budget-plan';
import { CheckpointConfig, CorpusConfig, LearningConfig, TrainConfig, TrainEvent, TrainHooks } from './train-config';
import type { LineTally } from '../../util/paired-gain';

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

export function startingPoint(
  cfg: Pick<CheckpointConfig, 'from' | 'resume'> & Pick<LearningConfig, 'batchSize' | 'seqLen' | 'mode' | 'spec'>,
  out: string,
  latest: string,
  seed: number,
  log: (m: string) => void,
): Start {
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
    if (r.recoveredFrom) log(`its last save was interrupted: resuming from the save before it (${r.recoveredFrom})`);
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
  /** The training text, as streamed (a cache-aware run computes its prior over it and re-plans its batches). */
  trainStream: Uint8Array;
  trainFiles: { text: string }[];
  /** A cache-aware run's prior over the validation stream: its validation loss is the served mixture's. */
  valPrior?: CachePrior;
  /** The validation files themselves (the keystroke check types them). */
  valFiles: { relative: string; text: string; before?: string }[];
  summary: CorpusSummary;
  plan: ReturnType<typeof planBatches>;
  bpe: number;
  totalBatches: number;
  evalEvery: number;
  /** The hold-out share actually used (the small-corpus rule may raise it; 0 with valData). */
  validationSplit: number;
}

export function loadData(
  cfg: CorpusConfig & Pick<LearningConfig, 'batchSize' | 'seqLen' | 'epochs'> & Pick<CheckpointConfig, 'resume' | 'evalEvery' | 'evalEveryMinutes'>,
  mode: TrainingMode,
  seed: number,
  log: (m: string) => void,
  onEvent: (e: TrainEvent) => void,
): Data {
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
    trainStream,
    trainFiles: split.train,
    valFiles: validationFiles(split),
    summary,
    plan,
    bpe,
    totalBatches: Math.max(1, Math.round(cfg.epochs * bpe)),
    // A run that checkpoints by the clock (a time budget) does not also stop at every epoch's end.
    evalEvery: Math.max(1, cfg.evalEvery ?? (cfg.evalEveryMinutes !== undefined ? Infinity : bpe)),
    validationSplit: byProject ? 0 : validationSplit,
  };
}

/** The files the keystroke check types: a held-out part of a file comes with the file's trained head above it. */
function validationFiles(split: { train: CorpusFile[]; validation: CorpusFile[] }): Data['valFiles'] {
  const heads = new Map(split.train.map((f) => [f.relative, f.text]));
  return split.validation.map((f) => {
    const part = parseHeldOutPart(f.relative);
    const before = part && part.from > 0 ? heads.get(part.relative)?.slice(0, part.from) : undefined;
    return { relative: f.relative, text: f.text, ...(before ? { before } : {}) };
  });
}

/** Everything the loop and the checkpoints share while a run goes. */
export interface Run {
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
  /** The starting model's keystroke check, line by line: the new model's check pairs with it. */
  startKeyLines?: LineTally[];
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
export async function setUp(
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
  if (Number.isInteger(start.position.dropoutState)) model.dropoutState = start.position.dropoutState!;
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
  const cacheAware = useCachePrior(cfg, data, mode, seed, residency, start, hooks, log);
  const hyperParameters = { ...hyperParametersOf(cfg, data, model.spec, seed, threads), ...(cacheAware ? { cacheAware } : {}) };
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

/**
 * A cache-aware fine-tune (LearningConfig.cacheAware): the completion cache's prior over the training text, from the
 * starting weights, goes into every batch, so the loss is the served mixture's. Host backends only, and not on a
 * resume (its starting weights are no longer the model the cache was weighed against). Returns whether it applies.
 */
function useCachePrior(
  cfg: TrainConfig,
  data: Data,
  mode: TrainingMode,
  seed: number,
  residency: Residency,
  start: Start,
  hooks: TrainHooks,
  log: (m: string) => void,
): boolean {
  if (!cfg.cacheAware || cfg.resume) return false;
  if (!hooks.cachePrior || residency !== 'host') {
    log(`training: the cache-aware loss is not available ${residency !== 'host' ? 'on a GPU backend' : 'in this host'}; the plain loss is used`);
    return false;
  }
  const t = Date.now();
  // One pass over training and validation text: the workspace index holds both, as the editor's does.
  const both = hooks.cachePrior(start.weights, [...data.trainFiles, ...data.valFiles]);
  const n = data.trainStream.length;
  const prior = { lambda: both.lambda.subarray(0, n), mass: both.mass.subarray(0, n) };
  data.valPrior = { lambda: both.lambda.subarray(n), mass: both.mass.subarray(n) };
  data.plan = planBatches(data.trainStream, mode, cfg.batchSize, cfg.seqLen, seed, prior);
  let mass = 0;
  for (let i = 0; i < prior.mass.length; i++) mass += prior.mass[i];
  log(
    `training: cache-aware loss: the workspace cache's prior over ${both.mass.length} characters in ${((Date.now() - t) / 1000).toFixed(1)} s ` +
      `(on the training text it puts ${((mass / Math.max(1, n)) * 100).toFixed(1)}% of the probability on the true character, on average); ` +
      'validation figures are the loss of the model mixed with the cache',
  );
  return true;
}

export const info = (run: Run): TrainingInfo => ({
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
export const progress = (run: Run): number =>
  run.cfg.scheduleByTime && Number.isFinite(run.deadline) ? (Date.now() - run.t0) / (run.deadline - run.t0) : run.position.step / run.data.totalBatches;
