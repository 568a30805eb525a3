/**
 * The training loop: corpus -> by-file split -> batches -> Adam with global clip-norm -> periodic validation,
 * best-validation checkpoint in `out`, resumable latest state in `<out>-latest` (weights, optimizer moments,
 * history, position). Cancellation is checked between batches and keeps the best checkpoint; a
 * `maxMinutes` budget ends training cleanly the same way. Runs wherever it is called: the CLI and the
 * extension call it inside a worker (see worker-client.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { makeSpec, ModelSpec, ModelWeights } from '../../model/architecture';
import { initWeights } from '../../model/initializers';
import { saveCheckpoint, loadCheckpoint, EpochRecord, TrainingInfo, CorpusSummary, resolveCheckpointDir } from '../../model/checkpoint';
import { selectBackend, BackendPreference } from '../../engine/backend';
import { buildCorpus, CorpusReport } from '../../data/corpus';
import { checkWritable } from '../../model/output-folder';
import { splitByFile, encodeFiles, planBatches, TrainingMode, Batch } from '../../data/dataset';
import { TrainableModel, Residency, LossResult } from '../graph/train-graph';
import { LstmState } from '../ops/lstm-op';
import { createAdam, setLearningRate, applyClipped, serializeOptimizer, restoreOptimizer } from '../graph/optimizer-state';
import { writeLossCurve } from './loss-curve';
import { GradientPool } from '../graph/gradient-pool';
import { CARRIED_STATE_FILE, serializeCarriedState, restoreCarriedState } from './carried-state-file';
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
  /** Also validate and checkpoint whenever this many minutes have passed since the last evaluation. */
  evalEveryMinutes?: number;
  /**
   * Fine-tuning: measure the starting weights on the validation files first and write `out` only with
   * weights that beat them, so a run that does not help leaves the model it started from in place.
   */
  mustBeatStart?: boolean;
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
  /** Where the training maths runs: 'device' for GPU backends (the default on webgpu), 'host' otherwise. */
  residency?: Residency;
  /** Extra folders where native backends are installed (see engine/native-install.ts). */
  modulePaths?: string[];
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
  | { type: 'batch'; epoch: number; batch: number; batchesPerEpoch: number; step: number; loss: number; accuracy: number; charsPerSec: number; etaSeconds: number | null; learningRate: number }
  | { type: 'eval'; record: EpochRecord; best: boolean }
  | { type: 'checkpoint'; dir: string; valLoss: number };

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
  /** Whether `out` holds weights of this run (false: nothing beat the start, `out` was left alone). */
  improved: boolean;
  history: EpochRecord[];
  backend: string;
  mode: TrainingMode;
}

interface ResumeState {
  epoch: number;
  batch: number;
  step: number;
  charsSeen: number;
  wallSeconds: number;
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
export async function evaluateStream(model: TrainableModel, stream: Uint8Array, mode: TrainingMode, batchSize: number, seqLen: number, maxChars?: number): Promise<{ loss: number; accuracy: number; chars: number }> {
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

function readResume(dir: string): { weights: ModelWeights; info?: TrainingInfo; state?: ResumeState; optJson?: string; optBin?: Buffer; corpus?: CorpusSummary; carried?: Buffer } {
  const ck = loadCheckpoint(dir);
  const stateFile = path.join(ck.dir, 'trainer-state.json');
  const optJson = path.join(ck.dir, 'optimizer.json');
  return {
    weights: ck.weights,
    info: ck.meta.training,
    corpus: ck.meta.corpus,
    state: fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ResumeState) : undefined,
    optJson: fs.existsSync(optJson) ? fs.readFileSync(optJson, 'utf8') : undefined,
    optBin: fs.existsSync(optJson) ? fs.readFileSync(path.join(ck.dir, 'optimizer.bin')) : undefined,
    carried: fs.existsSync(path.join(ck.dir, CARRIED_STATE_FILE)) ? fs.readFileSync(path.join(ck.dir, CARRIED_STATE_FILE)) : undefined,
  };
}

export async function train(cfg: TrainConfig, onEvent: (e: TrainEvent) => void = () => undefined, isCancelled: () => boolean = () => false): Promise<TrainSummary> {
  const log = (message: string) => onEvent({ type: 'log', message });
  const backend = await selectBackend({ preferred: cfg.backend ?? 'auto', log, modulePaths: cfg.modulePaths });
  onEvent({ type: 'backend', name: backend.name, ...(backend.device ? { device: backend.device } : {}) });
  const mode: TrainingMode = cfg.mode ?? 'windows';
  const seed = cfg.seed ?? 1;
  const out = path.resolve(cfg.out);
  const latest = latestDir(out);
  // Before any work: a destination that cannot take a checkpoint fails now, not after an epoch.
  for (const d of [out, latest, ...(cfg.snapshotsDir ? [path.join(cfg.snapshotsDir, 'epoch-0')] : [])]) checkWritable(d);

  // Starting point.
  let weights: ModelWeights;
  let history: EpochRecord[] = [];
  let state: ResumeState = { epoch: 0, batch: 0, step: 0, charsSeen: 0, wallSeconds: 0 };
  let bestValLoss: number | null = null;
  let optFiles: { json: string; bin: Buffer } | undefined;
  let carriedFile: Buffer | undefined;
  let fineTunedFrom: string | undefined;
  if (cfg.resume) {
    let dir: string;
    try {
      dir = resolveCheckpointDir(latest).dir;
    } catch {
      dir = resolveCheckpointDir(out).dir;
    }
    const r = readResume(dir);
    weights = r.weights;
    history = r.info?.history ?? [];
    bestValLoss = fs.existsSync(path.join(out, 'meta.json')) ? (loadCheckpoint(out).meta.training?.bestValLoss ?? null) : (r.info?.bestValLoss ?? null);
    if (r.state) state = r.state;
    if (r.optJson && r.optBin) optFiles = { json: r.optJson, bin: r.optBin };
    carriedFile = r.carried;
    fineTunedFrom = r.info?.fineTunedFrom;
    log(`resuming from ${dir} at epoch ${state.epoch}, batch ${state.batch} (${history.length} evaluations so far)`);
  } else if (cfg.from) {
    const ck = loadCheckpoint(cfg.from);
    weights = ck.weights;
    fineTunedFrom = ck.dir;
    log(`fine-tuning from ${ck.dir} (${ck.meta.name})`);
  } else {
    weights = initWeights(makeSpec(cfg.spec), seed);
  }

  // Data.
  const corpus = buildCorpus(cfg.data, { maxTotalChars: cfg.maxCorpusChars, maxFileBytes: cfg.maxFileBytes, exclude: cfg.exclude, includeTests: cfg.includeTests });
  if (cfg.smallCorpusRule && !cfg.resume) {
    const rule = corpusRule(corpus.report.chars, cfg.validationSplit ?? 0.05);
    if (rule.note) log(rule.note);
    cfg = { ...cfg, validationSplit: rule.validationSplit };
  }
  const split = cfg.valData?.length
    ? { train: corpus.files, validation: buildCorpus(cfg.valData, { maxFileBytes: cfg.maxFileBytes, exclude: cfg.exclude, includeTests: cfg.includeTests }).files }
    : splitByFile(corpus.files, cfg.validationSplit ?? 0.05, seed);
  if (cfg.valData?.length) log(`validation: ${split.validation.length} files under ${cfg.valData.join(', ')} (none of them trained on)`);
  const trainStream = encodeFiles(split.train);
  const valStream = encodeFiles(split.validation);
  const corpusSummary: CorpusSummary = {
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
  const totalBatches = Math.max(1, Math.round(cfg.epochs * bpe));
  const evalEvery = Math.max(1, cfg.evalEvery ?? bpe);

  // GPU backends keep every value on the device; CPU backends run the gate maths in JS (faster there).
  const residency: Residency = cfg.residency ?? (backend.name === 'webgpu' ? 'device' : 'host');
  const model = new TrainableModel(weights, seed, residency);
  const opt = createAdam(cfg.lr);
  let threads = Math.max(1, Math.floor(cfg.threads ?? 1));
  if (threads > 1 && residency === 'device') {
    log(`training: ${threads} threads asked for, but the ${backend.name} backend trains in one (the device does the parallel work)`);
    threads = 1;
  }
  const pool = threads > 1 ? await GradientPool.create(threads, model.spec, { backend: cfg.backend, modulePaths: cfg.modulePaths, seed }) : undefined;
  if (pool) log(`training: gradients in ${pool.size} worker threads`);
  if (optFiles) await restoreOptimizer(opt, optFiles.json, optFiles.bin);

  const hyperParameters: Record<string, number | string | boolean> = {
    epochs: cfg.epochs, batchSize: cfg.batchSize, seqLen: cfg.seqLen, learningRate: cfg.lr,
    lrSchedule: cfg.lrSchedule ?? 'constant', lrMin: cfg.lrMin ?? cfg.lr / 10, clipNorm: cfg.clipNorm ?? 1,
    validationSplit: cfg.valData?.length ? 0 : (cfg.validationSplit ?? 0.05), seed, dropout: model.spec.dropout, denseL2: model.spec.denseL2,
    evalEvery,
    threads,
    ...(cfg.maxMinutes ? { maxMinutes: cfg.maxMinutes, scheduleByTime: Boolean(cfg.scheduleByTime) } : {}),
    ...(cfg.warmup ? { warmup: cfg.warmup } : {}),
    ...(cfg.evalEveryMinutes ? { evalEveryMinutes: cfg.evalEveryMinutes } : {}),
  };
  const info = (): TrainingInfo => ({
    mode, hyperParameters, epochsDone: state.step / bpe, history, bestValLoss, wallSeconds: state.wallSeconds,
    backend: backend.name, fineTunedFrom,
  });

  // The starting point on the validation files: what the run must beat to replace it.
  let startVal: { loss: number; accuracy: number } | undefined;
  let startEvalMs = 0;
  if (cfg.mustBeatStart && cfg.from && !cfg.resume && valStream.length > cfg.seqLen) {
    const t = Date.now();
    startVal = await evaluateStream(model, valStream, mode, cfg.batchSize, cfg.seqLen, cfg.valMaxChars);
    startEvalMs = Date.now() - t;
    bestValLoss = startVal.loss;
    onEvent({ type: 'start', valLoss: startVal.loss, valAccuracy: startVal.accuracy });
    log(`starting model: ${startVal.loss.toFixed(4)} nats/char on the validation files (${(startVal.accuracy * 100).toFixed(1)}% of characters right)`);
  }
  let improved = false;

  const t0 = Date.now();
  const wall0 = state.wallSeconds;
  const deadline = cfg.maxMinutes ? t0 + cfg.maxMinutes * 60_000 : Infinity;
  /** Progress through the learning-rate schedule: by time within a budget, else by batches. */
  const progress = (): number => (cfg.scheduleByTime && Number.isFinite(deadline) ? (Date.now() - t0) / (deadline - t0) : state.step / totalBatches);
  let stoppedBy: TrainSummary['stoppedBy'] = 'completed';
  let states: (LstmState | undefined)[] | undefined = mode === 'carried-state' ? [] : undefined;
  if (states && carriedFile) {
    const restored = restoreCarriedState(carriedFile, model.spec.lstmUnits, cfg.batchSize);
    if (restored) states = restored;
    log(restored ? `resuming the carried state of ${cfg.batchSize} streams` : 'the saved carried state does not fit this batch size or model; streams start from zeros');
  }
  let sinceEval = { loss: 0, acc: 0, chars: 0, t: Date.now() };
  let charsThisRun = 0;
  let batchesThisRun = 0;

  let evaluations = 0;
  /** How long the last evaluation took (ms): a budgeted run stops early enough for its final one. */
  let lastEvalMs = startEvalMs;
  const evaluateAndSave = async (): Promise<void> => {
    const evalStart = Date.now();
    evaluations++;
    state.wallSeconds = wall0 + (Date.now() - t0) / 1000;
    const v = valStream.length > cfg.seqLen ? await evaluateStream(model, valStream, mode, cfg.batchSize, cfg.seqLen, cfg.valMaxChars) : { loss: NaN, accuracy: NaN, chars: 0 };
    const trainLoss = sinceEval.chars ? sinceEval.loss / sinceEval.chars : NaN;
    const record: EpochRecord = {
      epoch: Math.round((state.step / bpe) * 1000) / 1000,
      trainLoss,
      valLoss: v.loss,
      trainAccuracy: sinceEval.chars ? sinceEval.acc / sinceEval.chars : undefined,
      valAccuracy: v.accuracy,
      learningRate: learningRateAt(cfg, progress()),
      chars: state.charsSeen,
      seconds: Math.round(state.wallSeconds),
    };
    history.push(record);
    const lossForBest = Number.isFinite(v.loss) ? v.loss : trainLoss;
    const best = bestValLoss === null || lossForBest < bestValLoss;
    if (best) bestValLoss = lossForBest;
    onEvent({ type: 'eval', record, best });
    const w = await model.readWeights();
    const optFilesNow = await serializeOptimizer(opt);
    saveCheckpoint(latest, w, {
      name: `${cfg.name ?? path.basename(out)} (latest)`, training: info(), corpus: corpusSummary,
      extraFiles: {
        ...optFilesNow,
        'trainer-state.json': JSON.stringify(state),
        ...(states ? { [CARRIED_STATE_FILE]: serializeCarriedState(states, model.spec.lstmUnits, cfg.batchSize) } : {}),
      },
    });
    if (cfg.snapshotsDir) {
      const epoch = (state.step / bpe).toFixed(4);
      saveCheckpoint(path.join(cfg.snapshotsDir, `epoch-${epoch}`), w, { name: `${cfg.name ?? path.basename(out)} (epoch ${epoch})`, training: info(), corpus: corpusSummary });
    }
    if (best) {
      saveCheckpoint(out, w, { name: cfg.name ?? path.basename(out), training: info(), corpus: corpusSummary });
      improved = true;
      onEvent({ type: 'checkpoint', dir: out, valLoss: lossForBest });
    } else if (improved || (!startVal && fs.existsSync(path.join(out, 'meta.json')))) {
      // Keep the best weights, but let its meta show the whole history.
      const bestCk = loadCheckpoint(out);
      saveCheckpoint(out, bestCk.weights, { name: bestCk.meta.name, training: { ...info(), bestValLoss }, corpus: corpusSummary });
    }
    try {
      // Beside the best weights; while nothing has beaten the start, `out` is not this run's to write.
      writeLossCurve(path.join(startVal && !improved ? latest : out, 'loss-curve.html'), history, cfg.name ?? path.basename(out));
    } catch (e) {
      log(`could not write the loss curve: ${(e as Error).message}`);
    }
    sinceEval = { loss: 0, acc: 0, chars: 0, t: Date.now() };
    lastEvalAt = Date.now();
    lastEvalMs = lastEvalAt - evalStart;
  };
  let lastEvalAt = Date.now();

  try {
    while (state.step < totalBatches) {
      if (isCancelled()) {
        stoppedBy = 'cancelled';
        break;
      }
      // The final evaluation and save happen within the budget, not after it.
      if (Date.now() + lastEvalMs >= deadline) {
        stoppedBy = 'time-budget';
        break;
      }
      const batch: Batch = plan.batch(state.epoch, state.batch);
      if (states && batch.resetState) states = [];
      const lr = learningRateAt(cfg, progress());
      setLearningRate(opt, lr);
      let stats = { crossEntropy: NaN, accuracy: NaN, chars: 0 };
      let grads: Record<string, tf.Tensor>;
      let finish = async (): Promise<void> => undefined;
      if (pool) {
        const r = await pool.compute(model.weightArrays(), batch, states);
        grads = Object.fromEntries(model.variables.map((v, i) => [v.name, tf.tensor(r.grads[i], v.shape)]));
        stats = r.stats;
        if (states) states = r.states;
      } else {
        const g = model.gradients(batch.inputs, batch.targets, batch.steps, batch.batch, { training: true, states });
        grads = g.grads;
        stats = g.result.stats;
        finish = g.result.finish;
      }
      applyClipped(opt, grads, cfg.clipNorm ?? 1);
      await finish(); // device residency: the batch's loss, accuracy and carried state arrive here
      if (!Number.isFinite(stats.crossEntropy)) throw new Error(`training diverged at step ${state.step} (loss ${stats.crossEntropy}); try a lower learning rate`);
      const chars = batch.steps * batch.batch;
      charsThisRun += chars;
      state.charsSeen += chars;
      sinceEval.loss += stats.crossEntropy * chars;
      sinceEval.acc += stats.accuracy * chars;
      sinceEval.chars += chars;
      state.step++;
      state.batch++;
      if (state.batch >= bpe) {
        state.batch = 0;
        state.epoch++;
      }
      const elapsed = (Date.now() - t0) / 1000;
      const cps = charsThisRun / Math.max(elapsed, 1e-3);
      batchesThisRun++;
      let eta = ((totalBatches - state.step) * elapsed) / batchesThisRun;
      if (Number.isFinite(deadline)) eta = Math.min(eta, (deadline - Date.now()) / 1000);
      onEvent({
        type: 'batch', epoch: state.epoch, batch: state.batch, batchesPerEpoch: bpe, step: state.step,
        loss: stats.crossEntropy, accuracy: stats.accuracy, charsPerSec: Math.round(cps), etaSeconds: Math.round(eta), learningRate: lr,
      });
      const firstCheckpointDue = evaluations === 0 && Date.now() - t0 > (cfg.firstCheckpointMinutes ?? 5) * 60_000;
      const minutesDue = cfg.evalEveryMinutes !== undefined && Date.now() - lastEvalAt >= cfg.evalEveryMinutes * 60_000;
      if (state.step % evalEvery === 0 || state.step === totalBatches || firstCheckpointDue || minutesDue) await evaluateAndSave();
      // Let messages (cancel) in between batches.
      await new Promise((r) => setImmediate(r));
    }
    if (sinceEval.chars > 0) await evaluateAndSave();
  } finally {
    model.dispose();
    opt.dispose();
    await pool?.dispose();
  }
  const seconds = (Date.now() - t0) / 1000;
  return {
    out, latest, stoppedBy, epochs: state.step / bpe, steps: state.step, chars: charsThisRun, seconds,
    charsPerSec: Math.round(charsThisRun / Math.max(seconds, 1e-3)), bestValLoss,
    bestValBitsPerChar: bestValLoss === null ? null : bestValLoss / LN2, history, backend: backend.name, mode,
    ...(startVal ? { startValLoss: startVal.loss, startValAccuracy: startVal.accuracy } : {}),
    improved: improved || (!startVal && bestValLoss !== null),
  };
}
