/**
 * What a run says about itself while it goes, in the user's words (no epochs, no nats): the notification's line, the
 * status bar's text, and the keystroke check's lines. A run checked in keystrokes is decided by that check, not by
 * its loss, so "better" is never said before it: the loss is reported as what it is.
 */
import { BatchPosition, formatDuration, runProgress } from '../../util/eta';

export interface ProgressFacts {
  elapsedMs: number;
  /** The run's time budget (undefined: until stopped). */
  budgetMs?: number;
  batch: BatchPosition;
  epochs: number;
  /** Held-out loss of the starting model and of the best model so far (nats/char), once measured. */
  startLoss?: number;
  bestLoss?: number;
  /** The run ends with a keystroke check that decides whether its model is used. */
  keystrokeCheck: boolean;
  /** The backend it trains on, once known. */
  backend?: string;
}

export interface ProgressWords {
  /** The notification's line: what the run has shown so far, and the time left. */
  message: string;
  /** The share of the run done (0..1), for the notification's bar and the status bar's percentage. */
  frac: number;
  /** The status bar's text. */
  status: string;
}

export function progressWords(f: ProgressFacts): ProgressWords {
  const { frac, leftSeconds } = runProgress(f.elapsedMs, f.budgetMs, f.batch, f.epochs);
  const left = leftSeconds !== undefined ? `${formatDuration(leftSeconds)} left` : `${formatDuration(f.elapsedMs / 1000)} so far · stop it when you like`;
  const gain = f.bestLoss !== undefined && f.startLoss !== undefined ? (f.startLoss - f.bestLoss) / f.startLoss : undefined;
  const shown = gain !== undefined ? (gain * 100).toFixed(gain < 0.1 ? 1 : 0) : '';
  const sofar =
    gain === undefined || gain <= 0
      ? 'learning'
      : f.keystrokeCheck
        ? `held-out loss −${shown}% so far; the typing check at the end decides`
        : `predicts held-out code ${shown}% better so far`;
  const clock = f.budgetMs !== undefined ? `${Math.round(frac * 100)}%` : formatDuration(f.elapsedMs / 1000);
  return { message: `${sofar} · ${left}`, frac, status: `$(sync~spin) LSTM ${clock}${f.backend ? ` · ${f.backend}` : ''}` };
}

/** The keystroke check's line: the starting model's figure, or the new one's. */
export function keystrokeWords(model: 'start' | 'best', savings: number): string {
  return `${model === 'start' ? 'the current model' : 'the new model'}'s ghost text saves ${Math.round(savings * 100)}% of keystrokes on held-out files${model === 'best' ? '' : '; now learning'}`;
}
