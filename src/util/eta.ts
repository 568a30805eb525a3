/** Durations as the training progress shows them (CLI bar and editor notification): 1h05m, 3m07s, ? */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

/** Where a run's batch events say it is: the trainer's own estimate of the time left (epochs or budget). */
export interface BatchPosition {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  etaSeconds: number | null;
}

/**
 * One figure for the status bar's percentage and the notification's time left, so they never disagree: with a
 * budget, both come from the trainer's time left (which ends the run early when its passes are done, and keeps
 * room for the final checks); until stopped, the share of the epochs done and no time left. Once, a 2-minute run
 * showed 27% beside "1m40s left", and 100% beside "1m05s left" (its epochs were done).
 */
export function runProgress(elapsedMs: number, budgetMs: number | undefined, e: BatchPosition, epochs: number): { frac: number; leftSeconds?: number } {
  if (budgetMs === undefined) return { frac: Math.min(1, (e.epoch * e.batchesPerEpoch + e.batch) / Math.max(1, epochs * e.batchesPerEpoch)) };
  const left = Math.max(0, e.etaSeconds ?? (budgetMs - elapsedMs) / 1000);
  const total = elapsedMs + left * 1000;
  return { frac: total > 0 ? Math.min(1, elapsedMs / total) : 1, leftSeconds: left };
}
