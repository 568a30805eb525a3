/**
 * What a workspace training run bought, in one sentence for the user: the validation figures of the model it
 * started from and of the best checkpoint, and whether completions switch to the new model. A fine-tune switches
 * only when it beat the start on loss (TrainConfig.mustBeatStart) by a margin typing can feel, and, when the
 * keystroke check ran, saves no fewer keystrokes on the held-out files than the model it would replace: a run that
 * bought 1.202 -> 1.199 nats/char and typed 56% -> 55% once replaced the model and read like a success.
 */
import type { TrainSummary } from './trainer';

export interface RunVerdict {
  /** nats/char on the workspace's validation files before the run (fine-tuning only). */
  before?: number;
  beforeAccuracy?: number;
  /** The best checkpoint's nats/char, when one was written. */
  after?: number;
  afterAccuracy?: number;
  /** Keystrokes the ghost text saved on the validation files with the old model and with the new one. */
  keystrokesBefore?: number;
  keystrokesAfter?: number;
  /** Whether the run wrote a model that completions now use. */
  switched: boolean;
  message: string;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The least relative loss gain on the held-out files worth a switch. Below 1% the keystroke check (2,000 typed
 * characters) cannot tell the models apart, and the new model's longer, surer suggestions are as often wrong.
 */
export const MIN_RELATIVE_GAIN = 0.01;

type VerdictInput = Pick<
  TrainSummary,
  'bestValLoss' | 'startValLoss' | 'startValAccuracy' | 'improved' | 'history' | 'stoppedBy' | 'startKeystrokeSavings' | 'keystrokeSavings'
>;

export function runVerdict(s: VerdictInput): RunVerdict {
  const bestRecord = s.history.find((r) => r.valLoss === s.bestValLoss);
  const before = s.startValLoss;
  if (!s.improved || s.bestValLoss === null) {
    const tried = s.history.length ? Math.min(...s.history.map((r) => r.valLoss).filter(Number.isFinite)) : undefined;
    const why =
      before === undefined
        ? 'no checkpoint was written'
        : tried === undefined || !Number.isFinite(tried)
          ? `it stopped before its first checkpoint (the current model scores ${before.toFixed(3)} nats/char here)`
          : `its best, ${tried.toFixed(3)} nats/char on this workspace's validation files, did not beat the current model's ${before.toFixed(3)}`;
    return { before, beforeAccuracy: s.startValAccuracy, switched: false, message: `training kept the current model: ${why}.` };
  }
  const after = s.bestValLoss;
  const afterAccuracy = bestRecord?.valAccuracy;
  if (before === undefined) {
    return {
      after,
      afterAccuracy,
      switched: true,
      message: `new model: ${after.toFixed(3)} nats/char on this workspace's validation files${afterAccuracy !== undefined ? `, ${pct(afterAccuracy)} of characters right` : ''}; completions use it now.`,
    };
  }
  const change = (after - before) / before;
  const kept = (why: string): RunVerdict => ({
    before,
    beforeAccuracy: s.startValAccuracy,
    after,
    afterAccuracy,
    ...(s.startKeystrokeSavings !== undefined && s.keystrokeSavings !== undefined
      ? { keystrokesBefore: s.startKeystrokeSavings, keystrokesAfter: s.keystrokeSavings }
      : {}),
    switched: false,
    message: `training kept the current model: ${why}.`,
  });
  if (s.startKeystrokeSavings !== undefined && s.keystrokeSavings !== undefined && s.keystrokeSavings < s.startKeystrokeSavings) {
    return kept(
      `the new one would save fewer keystrokes on this workspace's held-out files (${pct(s.startKeystrokeSavings)} → ${pct(s.keystrokeSavings)}), although its loss fell ${before.toFixed(3)} → ${after.toFixed(3)} nats/char`,
    );
  }
  if (-change < MIN_RELATIVE_GAIN) {
    return kept(
      `the new one scores ${after.toFixed(3)} against ${before.toFixed(3)} nats/char on this workspace's held-out files, a gain under ${MIN_RELATIVE_GAIN * 100}% that typing would not feel`,
    );
  }
  const acc = s.startValAccuracy !== undefined && afterAccuracy !== undefined ? `, ${pct(s.startValAccuracy)} → ${pct(afterAccuracy)} of characters right` : '';
  const keys =
    s.startKeystrokeSavings !== undefined && s.keystrokeSavings !== undefined
      ? { keystrokesBefore: s.startKeystrokeSavings, keystrokesAfter: s.keystrokeSavings }
      : {};
  const keysText = keys.keystrokesBefore !== undefined ? `, keystrokes saved ${pct(keys.keystrokesBefore)} → ${pct(keys.keystrokesAfter)}` : '';
  return {
    before,
    beforeAccuracy: s.startValAccuracy,
    after,
    afterAccuracy,
    ...keys,
    switched: true,
    message: `completions on this workspace: ${before.toFixed(3)} → ${after.toFixed(3)} nats/char (${change <= 0 ? '−' : '+'}${Math.abs(Math.round(change * 100))}%)${acc}${keysText}; completions use the new model now.`,
  };
}
