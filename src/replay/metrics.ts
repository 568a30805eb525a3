/** What a replay counts for one completer and one simulated user, and the figures it reports. */
import type { LineTally } from '../util/paired-gain';

export interface Tally {
  /** Characters the user would type without help (indentation excluded). */
  chars: number;
  keystrokes: number;
  /** Times a suggestion was asked for (one per cursor position the user reached). */
  requests: number;
  shown: number;
  accepted: number;
  acceptedChars: number;
  /** Shown suggestions whose first character is the one the user types next. */
  firstCharRight: number;
  latencyMs: number[];
  /**
   * Per line of the typed text, in task order: the characters it holds and the keystrokes spent while the cursor was
   * on it. Two completers that type the same tasks have the same lines, so their keystrokes pair line by line
   * (util/paired-gain.ts).
   */
  lines: LineTally[];
}

export type { LineTally };

export const emptyTally = (): Tally => ({
  chars: 0,
  keystrokes: 0,
  requests: 0,
  shown: 0,
  accepted: 0,
  acceptedChars: 0,
  firstCharRight: 0,
  latencyMs: [],
  lines: [],
});

export interface Figures {
  chars: number;
  keystrokes: number;
  /** 1 − keystrokes / chars. */
  savings: number;
  requests: number;
  shown: number;
  accepted: number;
  shownRate: number;
  /** Accepted suggestions / shown suggestions. */
  acceptedShare: number;
  meanAcceptedLength: number;
  firstCharAccuracy: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function figures(t: Tally): Figures {
  return {
    chars: t.chars,
    keystrokes: t.keystrokes,
    savings: round(1 - ratio(t.keystrokes, t.chars), 4),
    requests: t.requests,
    shown: t.shown,
    accepted: t.accepted,
    shownRate: round(ratio(t.shown, t.requests), 4),
    acceptedShare: round(ratio(t.accepted, t.shown), 4),
    meanAcceptedLength: round(ratio(t.acceptedChars, t.accepted), 2),
    firstCharAccuracy: round(ratio(t.firstCharRight, t.shown), 4),
    latencyP50Ms: round(percentile(t.latencyMs, 50), 3),
    latencyP95Ms: round(percentile(t.latencyMs, 95), 3),
  };
}
