/**
 * What a workspace training run bought, said in the user's words: the notification leads with keystrokes on files
 * the run did not train on ("types 4 fewer keys in 100"), and the report gets the figures behind it (nats/char,
 * characters right, the threshold the new model serves at). A fine-tune switches only when it beat the start on
 * loss (TrainConfig.mustBeatStart), and, when the keystroke check ran, saves more keystrokes on the held-out files
 * than the model it would replace by more than the check's noise: the lower end of the paired gain's bootstrap range
 * (util/paired-gain.ts) is above zero. A run that bought 1.202 -> 1.199 nats/char and typed 56% -> 55% once
 * replaced the model and read like a success; one that switched on +0.25 points in 2,000 characters typed 2 points
 * worse on more of the same files.
 */
import type { TrainSummary } from './train-config';
import type { PairedGain } from '../../util/paired-gain';

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
  /** The confidence threshold each model served at in that check (undefined: the default). */
  thresholdBefore?: number;
  thresholdAfter?: number;
  /** The paired keystroke gain and its range, when both checks typed the same lines (the switch rule's figure). */
  gain?: PairedGain;
  /** Whether the run wrote a model that completions now use. */
  switched: boolean;
  /** The sentence for the notification, in the user's words. */
  message: string;
  /** The figures behind it, for the report (nats/char, characters right, threshold). */
  details: string;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The least relative loss gain on the held-out files worth a switch. Below 1% the keystroke check (2,000 typed
 * characters) cannot tell the models apart, and the new model's longer, surer suggestions are as often wrong.
 */
export const MIN_RELATIVE_GAIN = 0.01;

/** Where the figures come from, said once. */
const HELD_OUT = 'files it did not train on';

type VerdictInput = Pick<
  TrainSummary,
  | 'bestValLoss'
  | 'startValLoss'
  | 'startValAccuracy'
  | 'improved'
  | 'history'
  | 'stoppedBy'
  | 'startKeystrokeSavings'
  | 'keystrokeSavings'
  | 'startThreshold'
  | 'threshold'
  | 'calibration'
  | 'keystrokeGain'
> &
  Partial<Pick<TrainSummary, 'epochs'>>;

/** "nats/char before → after, characters right, keystrokes saved, threshold": the report's line of figures. */
function figures(v: Omit<RunVerdict, 'message' | 'details' | 'switched'>, calibrated: boolean): string {
  const parts: string[] = [];
  if (v.before !== undefined && v.after !== undefined) {
    const change = (v.after - v.before) / v.before;
    parts.push(`${v.before.toFixed(3)} → ${v.after.toFixed(3)} nats/char (${change <= 0 ? '−' : '+'}${Math.abs(change * 100).toFixed(1)}%)`);
  } else if (v.after !== undefined) parts.push(`${v.after.toFixed(3)} nats/char`);
  else if (v.before !== undefined) parts.push(`the current model scores ${v.before.toFixed(3)} nats/char`);
  if (v.beforeAccuracy !== undefined && v.afterAccuracy !== undefined) parts.push(`${pct(v.beforeAccuracy)} → ${pct(v.afterAccuracy)} of characters right`);
  else if (v.afterAccuracy !== undefined) parts.push(`${pct(v.afterAccuracy)} of characters right`);
  if (v.keystrokesBefore !== undefined && v.keystrokesAfter !== undefined)
    parts.push(`keystrokes saved ${(v.keystrokesBefore * 100).toFixed(1)}% → ${(v.keystrokesAfter * 100).toFixed(1)}%`);
  if (calibrated && v.thresholdAfter !== undefined)
    parts.push(
      `the new model shows a suggestion when it is at least ${pct(v.thresholdAfter)} sure it is right (calibrated for it; the old one: ${pct(v.thresholdBefore ?? 0.27)})`,
    );
  return parts.length ? `On ${HELD_OUT}: ${parts.join(', ')}.` : '';
}

export function runVerdict(s: VerdictInput): RunVerdict {
  const bestRecord = s.history.find((r) => r.valLoss === s.bestValLoss);
  const before = s.startValLoss;
  const calibrated = s.calibration !== undefined;
  if (!s.improved || s.bestValLoss === null) {
    const tried = s.history.length ? Math.min(...s.history.map((r) => r.valLoss).filter(Number.isFinite)) : undefined;
    const why =
      before === undefined
        ? 'the run wrote no model'
        : tried === undefined || !Number.isFinite(tried)
          ? 'the run stopped before it could check a new model (give it more minutes)'
          : `the new model did not predict ${HELD_OUT} better`;
    const base = { before, beforeAccuracy: s.startValAccuracy };
    return {
      ...base,
      switched: false,
      message: `kept the current model: ${why}.`,
      details:
        tried !== undefined && Number.isFinite(tried) && before !== undefined
          ? `On ${HELD_OUT}: its best, ${tried.toFixed(3)} nats/char, did not beat the current model's ${before.toFixed(3)}.`
          : figures(base, false),
    };
  }
  const after = s.bestValLoss;
  const afterAccuracy = bestRecord?.valAccuracy;
  const keys =
    s.startKeystrokeSavings !== undefined && s.keystrokeSavings !== undefined
      ? { keystrokesBefore: s.startKeystrokeSavings, keystrokesAfter: s.keystrokeSavings, thresholdBefore: s.startThreshold, thresholdAfter: s.threshold }
      : {};
  const base = { before, beforeAccuracy: s.startValAccuracy, after, afterAccuracy, ...keys };
  // A run that ended on its passes rather than its time says so: a small workspace once stopped after 62 s of 2 minutes.
  const ended =
    s.stoppedBy === 'completed' && s.epochs !== undefined
      ? ` The run ended when it had made all ${Math.round(s.epochs)} passes over the training text it was allowed (training.epochs).`
      : '';
  const details = figures(base, calibrated) + ended;
  if (before === undefined) {
    return { ...base, switched: true, message: 'trained a new model on this workspace; completions use it now.', details };
  }
  const gain = (before - after) / before;
  const kept = (why: string): RunVerdict => ({ ...base, switched: false, message: `kept the current model: ${why}.`, details });
  if (s.keystrokeGain && keys.keystrokesBefore !== undefined) return pairedVerdict(s.keystrokeGain, base, details, keys.keystrokesBefore, keys.keystrokesAfter);
  if (keys.keystrokesBefore !== undefined && keys.keystrokesAfter < keys.keystrokesBefore) {
    const more = Math.max(1, Math.round((keys.keystrokesBefore - keys.keystrokesAfter) * 100));
    return kept(
      `the new one would type ${keysIn100(-more)} in 100 on ${HELD_OUT} (keystrokes saved ${pct(keys.keystrokesBefore)} → ${pct(keys.keystrokesAfter)})`,
    );
  }
  if (gain < MIN_RELATIVE_GAIN) {
    return kept(`the new one predicts ${HELD_OUT} only ${(gain * 100).toFixed(1)}% better, too little to feel while typing`);
  }
  if (keys.keystrokesBefore === undefined) {
    return { ...base, switched: true, message: `the new model predicts ${HELD_OUT} ${Math.round(gain * 100)}% better; completions use it now.`, details };
  }
  const fewer = Math.round((keys.keystrokesAfter - keys.keystrokesBefore) * 100);
  const message =
    fewer > 0
      ? `the new model types ${keysIn100(fewer)} in 100 on ${HELD_OUT} (keystrokes saved ${pct(keys.keystrokesBefore)} → ${pct(keys.keystrokesAfter)}); completions use it now.`
      : `the new model saves as many keystrokes on ${HELD_OUT} (${pct(keys.keystrokesAfter)}) and predicts them ${Math.round(gain * 100)}% better; completions use it now.`;
  return { ...base, switched: true, message, details };
}

/** Keys in 100, said with its sign: "3 fewer keys", "1 more key", "as many keys" (also Choose Checkpoint's words). */
export function keysIn100(points: number): string {
  const n = Math.round(Math.abs(points));
  if (n === 0) return 'as many keys';
  return `${n} ${points > 0 ? 'fewer' : 'more'} key${n === 1 ? '' : 's'}`;
}

/**
 * The switch rule with a paired keystroke check: the new model is used only when the range of its gain lies above
 * zero, and the message gives the gain and its range, so "better" is never said of a run the check cannot tell apart.
 */
function pairedVerdict(g: PairedGain, base: Omit<RunVerdict, 'switched' | 'message' | 'details'>, details: string, before: number, after: number): RunVerdict {
  const pts = (x: number) => x * 100;
  const half = Math.max(0.1, (pts(g.high) - pts(g.low)) / 2);
  const saved = `keystrokes saved ${pct(before)} → ${pct(after)}, typing ${g.chars.toLocaleString('en-US')} characters`;
  const signed = (x: number) => `${pts(x) >= 0 ? '+' : '−'}${Math.abs(pts(x)).toFixed(1)}`;
  const fullDetails = `${details} Gain ${signed(g.gain)} points of keystrokes saved (${Math.round(g.confidence * 100)}% range ${signed(g.low)} to ${signed(g.high)} points).`;
  if (g.low > 0) {
    return {
      ...base,
      gain: g,
      switched: true,
      message: `the new model types ${keysIn100(pts(g.gain))} in 100 on ${HELD_OUT} (±${half.toFixed(1)}; ${saved}); completions use it now.`,
      details: fullDetails,
    };
  }
  const why =
    g.high < 0
      ? `the new one would type ${keysIn100(pts(g.gain))} in 100 on ${HELD_OUT} (±${half.toFixed(1)}; ${saved})`
      : `on ${HELD_OUT} the new one types ${keysIn100(pts(g.gain))} in 100, ±${half.toFixed(1)}: too close to tell it is better (${saved})`;
  return { ...base, gain: g, switched: false, message: `kept the current model: ${why}.`, details: fullDetails };
}
