/**
 * What both training hosts (the worker thread and the GPU process) lend a run from replay/, which the training
 * loop does not import: the keystroke check on the validation files and the new model's threshold calibration.
 */
import { keystrokeCheck } from '../../replay/keystroke-check';
import { CALIBRATION_THRESHOLDS, calibrateThreshold } from '../../replay/threshold-calibration';
import type { TrainHooks } from '../loop/trainer';

export const replayHooks: Required<Pick<TrainHooks, 'keystrokes' | 'calibrate'>> = {
  keystrokes: keystrokeCheck,
  calibrate: {
    replays: CALIBRATION_THRESHOLDS.length,
    run: (weights, files, opts) => calibrateThreshold(weights, files, opts),
  },
};
