/**
 * The run's checks in the user's terms: the starting model scored first when a fine-tune must beat it, the
 * keystroke check before and after, and the confidence threshold calibrated for the new model.
 */
import { ModelWeights } from '../../model/architecture';
import { ServingCalibration, setServingCalibration } from '../../model/checkpoint';
import { TrainEvent } from './train-config';
import { Run } from './run-setup';
import { evaluateStream } from './evaluate-stream';
import type { LineTally } from '../../util/paired-gain';

/** Fine-tuning that must beat its start: score the starting weights first (the bar `out` must clear). */
export async function measureStart(run: Run, onEvent: (e: TrainEvent) => void, log: (m: string) => void): Promise<void> {
  const { cfg, data } = run;
  if (!(cfg.mustBeatStart && cfg.from && !cfg.resume && data.valStream.length > cfg.seqLen)) return;
  const t = Date.now();
  run.startVal = await evaluateStream(run.model, data.valStream, run.mode, cfg.batchSize, cfg.seqLen, cfg.valMaxChars, data.valPrior);
  run.lastEvalMs = Date.now() - t;
  run.bestValLoss = run.startVal.loss;
  onEvent({ type: 'start', valLoss: run.startVal.loss, valAccuracy: run.startVal.accuracy });
  log(`starting model: ${run.startVal.loss.toFixed(4)} nats/char on the validation files (${(run.startVal.accuracy * 100).toFixed(1)}% of characters right)`);
  const keys = await checkKeystrokes(run, 'start', await run.model.readWeights(), run.startThreshold, onEvent, log);
  if (keys) {
    run.startKeys = keys.savings;
    run.startAcceptedShare = keys.acceptedShare;
    run.startKeyLines = keys.lines;
  }
}

/** The keystroke replay on the validation files (TrainConfig.keystrokeCheck), timed so the budget keeps room for it. */
export async function checkKeystrokes(
  run: Run,
  model: 'start' | 'best',
  weights: ModelWeights,
  threshold: number | undefined,
  onEvent: (e: TrainEvent) => void,
  log: (m: string) => void,
): Promise<{ savings: number; acceptedShare?: number; lines?: LineTally[] } | undefined> {
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
export function calibrationReplays(run: Run): number {
  const c = run.hooks.calibrate;
  return c && run.cfg.servingThreshold === undefined && run.startAcceptedShare !== undefined ? c.replays : 0;
}

/**
 * The new model's confidence threshold, chosen on the validation files against the starting model's accepted share
 * (TrainHooks.calibrate) and written to its meta.json, where the editor reads it when the model serves.
 */
export async function calibrate(
  run: Run,
  weights: ModelWeights,
  onEvent: (e: TrainEvent) => void,
  log: (m: string) => void,
): Promise<{ calibration: ServingCalibration; lines?: LineTally[] } | undefined> {
  const c = run.hooks.calibrate;
  if (!c || !calibrationReplays(run) || !run.data.valFiles.length) return undefined;
  try {
    const { chosenLines, ...calibration } = await c.run(weights, run.data.valFiles, {
      referenceAcceptedShare: run.startAcceptedShare!,
      from: run.startThreshold,
    });
    setServingCalibration(run.out, calibration);
    onEvent({ type: 'calibrated', calibration });
    const tried = calibration.tried
      .map((p) => `${p.threshold}: ${(p.savings * 100).toFixed(1)}% saved, ${(p.acceptedShare * 100).toFixed(1)}% right`)
      .join('; ');
    log(
      `calibration: the new model serves at threshold ${calibration.confidenceThreshold} (accepted share kept >= ${(calibration.minAcceptedShare * 100).toFixed(1)}%; ${tried})`,
    );
    return { calibration, lines: chosenLines };
  } catch (e) {
    // The model is kept either way; it then serves at the settings' threshold.
    log(`the threshold calibration failed: ${(e as Error).message}`);
    return undefined;
  }
}
