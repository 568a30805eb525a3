/**
 * What both training hosts (the worker thread and the GPU process) lend a run from replay/ and completion/, which
 * the training loop does not import: the keystroke check on the validation files, the new model's threshold
 * calibration, and the completion cache's prior over the training text (a cache-aware fine-tune).
 */
import { keystrokeCheck } from '../../replay/keystroke-check';
import { CALIBRATION_THRESHOLDS, calibrateThreshold } from '../../replay/threshold-calibration';
import { cachePrior } from '../../completion/cache-prior';
import type { TrainHooks } from '../loop/train-config';

export const replayHooks: Required<Pick<TrainHooks, 'keystrokes' | 'calibrate' | 'cachePrior'>> = {
  keystrokes: keystrokeCheck,
  cachePrior: (weights, files) => cachePrior(weights, files),
  calibrate: {
    replays: CALIBRATION_THRESHOLDS.length,
    run: (weights, files, opts) => calibrateThreshold(weights, files, opts),
  },
};
