/**
 * "Keep learning": when to fine-tune again in the background after the user saved Python files. Pure: the
 * editor reports saves, activity and finished runs with their times; `due` says whether a short run may start
 * now. A run starts only when files changed since the last run, the editor has been idle for a while (the
 * user is not typing), no run is in progress, and the training minutes of the last hour stay under a cap.
 */

export interface KeepLearningOptions {
  /** Minutes without edits before a run may start. */
  idleMinutes: number;
  /** Minutes of one background run. */
  runMinutes: number;
  /** Most training minutes in any hour. */
  minutesPerHour: number;
}

export const DEFAULT_KEEP_LEARNING: KeepLearningOptions = { idleMinutes: 2, runMinutes: 1, minutesPerHour: 10 };

const MINUTE = 60_000;

export class KeepLearningScheduler {
  private readonly changed = new Set<string>();
  private lastActivity = -Infinity;
  private running = false;
  /** [start, end) of each run in the last hour (ms). */
  private runs: [number, number][] = [];

  constructor(readonly opts: KeepLearningOptions = DEFAULT_KEEP_LEARNING) {}

  /** A Python file was saved. */
  noteSave(file: string, now: number): void {
    this.changed.add(file);
    this.lastActivity = now;
  }

  /** The user edited something (typing delays a run). */
  noteActivity(now: number): void {
    this.lastActivity = now;
  }

  /** Training minutes spent in the hour before `now`. */
  minutesInLastHour(now: number): number {
    this.runs = this.runs.filter(([, end]) => end > now - 60 * MINUTE);
    return this.runs.reduce((s, [start, end]) => s + (end - Math.max(start, now - 60 * MINUTE)), 0) / MINUTE;
  }

  /** Whether a run may start now, and if not, why (for the log). */
  due(now: number): { start: boolean; reason: string } {
    if (this.running) return { start: false, reason: 'a run is in progress' };
    if (!this.changed.size) return { start: false, reason: 'no Python file saved since the last run' };
    if (now - this.lastActivity < this.opts.idleMinutes * MINUTE) return { start: false, reason: 'the editor is in use' };
    const used = this.minutesInLastHour(now);
    if (used + this.opts.runMinutes > this.opts.minutesPerHour)
      return { start: false, reason: `${used.toFixed(1)} of ${this.opts.minutesPerHour} training minutes used this hour` };
    return { start: true, reason: `${this.changed.size} file(s) saved since the last run` };
  }

  /** A run starts: the files it learns from are no longer pending. Returns them. */
  started(now: number): string[] {
    this.running = true;
    this.runs.push([now, now]);
    const files = [...this.changed];
    this.changed.clear();
    return files;
  }

  /** The run ended (finished, cancelled or failed) at `now`. */
  finished(now: number): void {
    this.running = false;
    const last = this.runs[this.runs.length - 1];
    if (last) last[1] = now;
  }
}
