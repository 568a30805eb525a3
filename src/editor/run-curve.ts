/**
 * The live loss chart of a Train on Workspace run: training loss from the first seconds (the batches' losses
 * averaged over a few seconds each, so the line is readable) and validation points as they come, over minutes.
 * Bounded: past MAX_POINTS the training line's neighbours are merged, so an all-day run costs the same to draw.
 * No VS Code import.
 */
import { TimeSeries, timeCurveSvg } from '../training/loop/loss-curve';

/** A training point averages the batches of at least this long. */
export const TRAIN_POINT_MS = 2_000;
const MAX_POINTS = 600;

export class RunCurve {
  private train: [number, number][] = [];
  private validation: [number, number][] = [];
  private bucket = { sum: 0, n: 0, startMs: 0 };

  reset(): void {
    this.train = [];
    this.validation = [];
    this.bucket = { sum: 0, n: 0, startMs: 0 };
  }

  /** A batch's loss at `ms` into the run; returns true when a new point was added (the chart is worth redrawing). */
  addBatch(ms: number, loss: number): boolean {
    if (!Number.isFinite(loss)) return false;
    const b = this.bucket;
    if (!b.n) b.startMs = ms;
    b.sum += loss;
    b.n++;
    // The first batch is a point at once: the chart shows something from the first seconds.
    if (this.train.length && ms - b.startMs < TRAIN_POINT_MS) return false;
    this.train.push([ms / 60_000, b.sum / b.n]);
    this.bucket = { sum: 0, n: 0, startMs: 0 };
    if (this.train.length > MAX_POINTS) this.train = halve(this.train);
    return true;
  }

  /** A validation loss at `ms` into the run (the starting model's, at 0, when fine-tuning). */
  addValidation(ms: number, loss: number): void {
    if (Number.isFinite(loss)) this.validation.push([ms / 60_000, loss]);
  }

  get empty(): boolean {
    return !this.train.length && !this.validation.length;
  }

  series(): TimeSeries[] {
    return [
      { name: 'training', color: '#1f77b4', points: this.train },
      { name: 'validation', color: '#d62728', points: this.validation, dots: true },
    ];
  }

  svg(title: string): string {
    return timeCurveSvg(this.series(), title);
  }
}

/** Merges neighbouring points (mean time, mean loss): half as many, the same shape. */
function halve(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += 2) {
    const b = points[i + 1] ?? points[i];
    out.push([(points[i][0] + b[0]) / 2, (points[i][1] + b[1]) / 2]);
  }
  return out;
}
