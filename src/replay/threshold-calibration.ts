/**
 * Chooses the confidence threshold a newly trained model serves at. A model fine-tuned on a workspace is surer
 * of text like its training text than the bundled model, so at the bundled model's threshold it shows longer
 * suggestions that are more often wrong (on one package the accepted share of shown suggestions fell 42% → 31%).
 * The calibration replays typing on held-out files at rising thresholds and keeps the lowest (the one that saves the
 * most keystrokes) whose accepted share stays at least 90% of the starting model's on the same text: more help,
 * not more wrong ghost text.
 */
import type { ModelWeights } from '../model/architecture';
import type { ServingCalibration } from '../model/checkpoint';
import { keystrokeCheck } from './keystroke-check';
import type { ReplayFile } from './tasks';
import type { LineTally } from './metrics';

/**
 * The thresholds tried, in order, from the starting model's (the bundled 0.27) up: a fine-tune is surer than its
 * start, never less, so it needs the same threshold or a higher one to be right as often.
 */
export const CALIBRATION_THRESHOLDS = [0.27, 0.3, 0.35, 0.4, 0.45, 0.5] as const;

/** The share of the starting model's accepted share a threshold must keep to be chosen. */
export const MIN_ACCEPTED_SHARE_RATIO = 0.9;

export interface ThresholdPoint {
  threshold: number;
  savings: number;
  acceptedShare: number;
}

/**
 * The threshold with the most keystrokes saved among those whose accepted share reaches `minAcceptedShare` (ties:
 * the surer one); when none reaches it, the one with the highest accepted share (ties: more saved).
 */
export function chooseThreshold(points: readonly ThresholdPoint[], minAcceptedShare: number): number {
  if (!points.length) throw new Error('chooseThreshold: no thresholds were tried');
  const better = (a: ThresholdPoint, b: ThresholdPoint, first: keyof ThresholdPoint, second: keyof ThresholdPoint) =>
    a[first] !== b[first] ? a[first] > b[first] : a[second] > b[second];
  const eligible = points.filter((p) => p.acceptedShare >= minAcceptedShare);
  if (eligible.length) return eligible.reduce((best, p) => (better(p, best, 'savings', 'threshold') ? p : best)).threshold;
  return points.reduce((best, p) => (better(p, best, 'acceptedShare', 'savings') ? p : best)).threshold;
}

export interface CalibrationOptions {
  /** The starting model's accepted share of shown suggestions on the same windows (seed), times MIN_ACCEPTED_SHARE_RATIO: the bar. */
  referenceAcceptedShare: number;
  /** The thresholds to try, ascending; those below `from` are skipped. */
  thresholds?: readonly number[];
  /** The starting model's threshold (default the first of `thresholds`). */
  from?: number;
  /**
   * Which windows are typed: the keystroke check's own (seed 1) by default, so the bar and the candidates are measured
   * on the same text (windows differ more than thresholds do: one model saved 54% on one seed's windows, 44% on another's).
   */
  seed?: number;
  maxChars?: number;
}

/**
 * Tries the thresholds upwards from the starting model's and stops at the first whose accepted share reaches the bar
 * (a higher one saves fewer keystrokes: suggestions get shorter and rarer). The chosen point's figures are the new
 * model's keystroke check at the threshold it will serve at.
 */
export async function calibrateThreshold(
  weights: ModelWeights,
  files: ReplayFile[],
  opts: CalibrationOptions,
): Promise<ServingCalibration & { chosenLines: LineTally[] }> {
  const all = opts.thresholds ?? CALIBRATION_THRESHOLDS;
  const from = opts.from ?? all[0];
  const thresholds = all.filter((t) => t >= from - 1e-9);
  if (!thresholds.length) thresholds.push(from);
  const minAcceptedShare = Math.round(opts.referenceAcceptedShare * MIN_ACCEPTED_SHARE_RATIO * 1e4) / 1e4;
  const tried: ThresholdPoint[] = [];
  const lines = new Map<number, LineTally[]>();
  let chars = 0;
  for (const threshold of thresholds) {
    const r = await keystrokeCheck(weights, files, { threshold, seed: opts.seed ?? 1, maxChars: opts.maxChars });
    chars = r.chars;
    tried.push({ threshold, savings: r.savings, acceptedShare: r.acceptedShare });
    lines.set(threshold, r.lines);
    if (r.acceptedShare >= minAcceptedShare) break;
  }
  const confidenceThreshold = chooseThreshold(tried, minAcceptedShare);
  // The chosen point's lines pair with the starting model's check (the same windows): the run's switch rule.
  return { confidenceThreshold, minAcceptedShare, chars, tried, chosenLines: lines.get(confidenceThreshold) ?? [] };
}
