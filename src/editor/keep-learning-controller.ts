/**
 * Keep learning (setting `lstmComplete.training.keepLearning`, off by default; offered once after a run that
 * helped): after Python files are saved and the editor has been idle for a while, fine-tune the model in use
 * for a minute in the background on the files saved since the last run (with about three times their text from
 * the rest of the workspace mixed in), one thread, under a cap of training minutes per hour, with the same
 * safety as Train on Workspace (the model switches only to weights that beat it; nothing blocks the host).
 * When to run is training/loop/keep-learning.ts's decision; this class feeds it the editor's events.
 */
import * as vscode from 'vscode';
import { KeepLearningScheduler, DEFAULT_KEEP_LEARNING } from '../training/loop/keep-learning';
import { readSettings, SECTION } from './settings';

export interface KeepLearningHooks {
  log(line: string): void;
  /** Whether a run (any run) is in progress. */
  trainingRunning(): boolean;
  /** Starts a background run of `minutes` that learns from `files` (saved since the last run); resolves when it ends. */
  run(minutes: number, files: string[]): Promise<unknown>;
}

const OFFERED_KEY = 'lstmComplete.keepLearningOffered';
const CHECK_EVERY_MS = 30_000;

export class KeepLearningController implements vscode.Disposable {
  private readonly scheduler: KeepLearningScheduler;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly hooks: KeepLearningHooks,
    private readonly memento: vscode.Memento,
  ) {
    // The cap per hour is read from the settings at each check.
    this.scheduler = new KeepLearningScheduler({ ...DEFAULT_KEEP_LEARNING });
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === 'python' && d.uri.scheme === 'file') this.scheduler.noteSave(d.uri.fsPath, Date.now());
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.scheduler.noteActivity(Date.now());
      }),
    );
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  private async check(): Promise<void> {
    const s = readSettings().training;
    // Training runs only in a trusted workspace (package.json's restrictedConfigurations also keeps a workspace's
    // own settings from turning this on); Train on Workspace asks for trust, background learning just waits.
    if (!s.keepLearning || !vscode.workspace.isTrusted || this.hooks.trainingRunning()) return;
    this.scheduler.opts.minutesPerHour = s.keepLearningMinutesPerHour;
    const now = Date.now();
    const due = this.scheduler.due(now);
    if (!due.start) return;
    this.hooks.log(`keep learning: ${due.reason}; fine-tuning for ${this.scheduler.opts.runMinutes} minute(s) in the background`);
    const files = this.scheduler.started(now);
    try {
      await this.hooks.run(this.scheduler.opts.runMinutes, files);
    } finally {
      this.scheduler.finished(Date.now());
    }
  }

  /** After a run the user started that helped: offer keep learning, once, without a modal. */
  offerOnce(): void {
    if (readSettings().training.keepLearning || this.memento.get<boolean>(OFFERED_KEY)) return;
    void this.memento.update(OFFERED_KEY, true);
    void vscode.window
      .showInformationMessage(
        `LSTM: keep learning from your saves? A minute of fine-tuning in the background after you save and pause (at most ${readSettings().training.keepLearningMinutesPerHour} minutes an hour); the model changes only when it gets better.`,
        'Turn On',
        'Not Now',
      )
      .then((pick) => {
        if (pick === 'Turn On') void vscode.workspace.getConfiguration(SECTION).update('training.keepLearning', true, vscode.ConfigurationTarget.Global);
      });
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
