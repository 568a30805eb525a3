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
import { saveCheckpoint, loadCheckpoint, EpochRecord, recoverInterruptedSave, ServingCalibration } from '../../model/checkpoint';
import { selectBackend } from '../../backends/backend';
import { checkWritable, foreignEntries } from '../../model/output-folder';
import type { ModelWeights } from '../../model/architecture';
import { TrainingMode, Batch } from '../../data/dataset';
import { setLearningRate, applyClipped, serializeOptimizer } from '../graph/optimizer-state';
import { writeLossCurve } from './loss-curve';
import { serializeCarriedState } from './carried-state-file';
import { runFiles } from './run-state';
import { TrainConfig, TrainEvent, TrainHooks, TrainSummary, latestDir, learningRateAt } from './train-config';
import { Run, setUp, info, progress, startingPoint, loadData } from './run-setup';
import { measureStart, checkKeystrokes, calibrate, calibrationReplays } from './run-checks';
import { LineTally, PairedGain, pairedGain } from '../../util/paired-gain';
import { evaluateStream } from './evaluate-stream';

const LN2 = Math.log(2);

/** Validation, then the checkpoints: the resumable latest state always, `out` when this is the best so far. */
async function evaluateAndSave(run: Run, onEvent: (e: TrainEvent) => void, log: (m: string) => void): Promise<void> {
  const { cfg, data, model, out, latest } = run;
  const evalStart = Date.now();
  run.evaluations++;
  run.position.wallSeconds = run.wall0 + (Date.now() - run.t0) / 1000;
  const v =
    data.valStream.length > cfg.seqLen
      ? await evaluateStream(model, data.valStream, run.mode, cfg.batchSize, cfg.seqLen, cfg.valMaxChars, data.valPrior)
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
    extraFiles: runFiles({ ...run.position, batchesPerEpoch: data.bpe, dropoutState: model.dropoutState }, await serializeOptimizer(run.opt), carried),
  });
  if (best) {
    saveCheckpoint(out, w, { name, training: info(run), corpus: data.summary });
    run.improved = true;
    onEvent({ type: 'checkpoint', dir: out, valLoss: lossForBest });
  } else if (run.improved || (!run.startVal && fs.existsSync(path.join(out, 'meta.json')))) {
    // Keep the best weights, but let its meta show the whole history.
    const bestCk = loadCheckpoint(out);
    saveCheckpoint(out, bestCk.weights, { name: bestCk.meta.name, training: { ...info(run), bestValLoss: run.bestValLoss }, corpus: data.summary });
  }
  if (cfg.snapshotsDir) saveSnapshot(run, w, name, log);
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

/**
 * Keeps this evaluation's weights in SNAPSHOTS/epoch-E, after the best and the latest are saved: a snapshot is an
 * extra (for `average`), so one that cannot be written is reported and the run goes on, and a folder of that name
 * holding anything but a checkpoint (the user's) is left alone.
 */
function saveSnapshot(run: Run, w: ModelWeights, name: string, log: (m: string) => void): void {
  const epoch = (run.position.step / run.data.bpe).toFixed(4);
  const dir = path.join(run.cfg.snapshotsDir!, `epoch-${epoch}`);
  try {
    const foreign = foreignEntries(dir);
    if (foreign.length) {
      log(`snapshot not kept: ${dir} holds files that are not a checkpoint (${foreign.slice(0, 3).join(', ')})`);
      return;
    }
    saveCheckpoint(dir, w, { name: `${name} (epoch ${epoch})`, training: info(run), corpus: run.data.summary });
  } catch (e) {
    log(`snapshot not kept: ${(e as Error).message}`);
  }
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
    const g = model.gradients(batch.inputs, batch.targets, batch.steps, batch.batch, { training: true, states: run.states, prior: batch.prior });
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

/** The new model's gain over the start on the same typed lines, with its range, when both checks typed them. */
function keystrokeGain(before: LineTally[] | undefined, after: LineTally[] | undefined, log: (m: string) => void): { keystrokeGain?: PairedGain } {
  if (!before?.length || !after?.length) return {};
  try {
    const g = pairedGain(before, after);
    const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
    log(
      `keystroke gain on the validation files: ${pts(g.gain)} points (${Math.round(g.confidence * 100)}% range ${pts(g.low)} to ${pts(g.high)}, ${g.chars} characters in ${g.blocks} blocks)`,
    );
    return { keystrokeGain: g };
  } catch (e) {
    log(`the keystroke gain could not be paired: ${(e as Error).message}`);
    return {};
  }
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
  // A save killed between its renames left the only copy in DIR.bak: back in place before this run writes.
  for (const d of [out, latest]) if (recoverInterruptedSave(d)) log(`recovered ${d} from ${d}.bak (left by a save that was interrupted)`);
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
  let keys: { savings: number; acceptedShare?: number; lines?: LineTally[] } | undefined;
  let calibration: ServingCalibration | undefined;
  let threshold: number | undefined;
  try {
    await measureStart(run, onEvent, log);
    stoppedBy = await loop(run, onEvent, isCancelled, log);
    // What the new model's ghost text saves, beside the start's figure: a few seconds, after a cancel too, since
    // completions switched to that model either way. A cancelled run skips the calibration (it would take longer).
    if (run.startKeys !== undefined && run.improved) {
      const weights = loadCheckpoint(out).weights;
      const calibrated = stoppedBy !== 'cancelled' ? await calibrate(run, weights, onEvent, log) : undefined;
      calibration = calibrated?.calibration;
      threshold = calibration?.confidenceThreshold ?? run.cfg.servingThreshold;
      // The calibration typed the check's own text at the chosen threshold: that is the new model's figure.
      const chosen = calibration?.tried.find((p) => p.threshold === threshold);
      if (calibration && chosen) {
        keys = { ...chosen, lines: calibrated?.lines };
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
    ...keystrokeGain(run.startKeyLines, keys?.lines, log),
    ...(run.startThreshold !== undefined ? { startThreshold: run.startThreshold } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(calibration ? { calibration } : {}),
    improved: run.improved || (!run.startVal && run.bestValLoss !== null),
  };
}
