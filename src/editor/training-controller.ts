/**
 * "Train on Workspace": starts the run where the runner decides (a separate Node process at low priority, or a
 * worker thread: training/runner/start-run.ts) with a cancellable progress notification, switches completions
 * to the run's model only when the run ends and its verdict says it types no worse (run-verdict.ts), and measures
 * the extension host's event-loop delay while training runs.
 *
 * Checkpoints saved during the run do not serve: a model that has not passed the keystroke check could type worse,
 * and each switch made the completion worker load new weights and prime every open document again while the user
 * typed next to a busy trainer.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { describeEventLoop, describeStalls, watchEventLoop } from '../util/event-loop-watch';
import { startRun, TrainingJob } from '../training/runner/start-run';
import { keystrokeWords, progressWords } from '../training/runner/progress-words';
import type { TrainConfig, TrainEvent, TrainSummary } from '../training/loop/train-config';
import { EpochRecord, setRunOutcome } from '../model/checkpoint';
import { startHostProfile } from '../util/host-profile';
import { Settings } from './settings';
import { planRun } from '../training/loop/budget-plan';
import { RunVerdict, runVerdict } from '../training/loop/run-verdict';
import { availableParallelism } from 'os';
import { WorkspaceStorage } from './storage';

export interface TrainingHooks {
  log(line: string): void;
  status(text: string | undefined): void;
  /** The run ended and its model, in `dir`, passed the switch rule: completions use it from now on (resolves once it serves). */
  switchTo(dir: string): Promise<void> | void;
  history(records: EpochRecord[]): void;
  /** A point of the live chart, `ms` into the run: a training loss (batches averaged) or a validation loss. */
  curvePoint(p: { ms: number; train?: number; validation?: number }): void;
  /** The backend the run trains on, once chosen (the structured event, not the log line). */
  backend(name: string): void;
  /** The run ended: before/after figures and whether the model switched (background: a keep-learning run). */
  verdict(v: RunVerdict, background: boolean): void;
}

export interface TrainingRunResult {
  summary?: TrainSummary;
  error?: string;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Where it ran: a worker thread, or a separate Node process (GPU backends). */
  host?: 'worker' | 'process';
  /** The validation figures before and after, and whether completions switched to the new model. */
  verdict?: RunVerdict;
}

/** What every run of this workspace shares: built once, when the controller is made. */
export interface RunWorkspace {
  folders: string[];
  storage: WorkspaceStorage;
  /** Where installed native backends are, looked up at each run's start (an install may come between). */
  modulePaths(): string[];
}

/** One run's choices: the model it starts from, the settings at its start, its budget. */
export interface RunOptions {
  fromDir?: string;
  settings: Settings;
  minutes: number | undefined;
  /** Keep learning's run: one thread, status bar only, no keystroke check. */
  background?: boolean;
  /** Keep learning: the files saved since its last run (TrainConfig.focusFiles). */
  focusFiles?: string[];
}

/** A workspace run's configuration: the budget's plan and the user's training settings. */
function workspaceRunConfig(ws: RunWorkspace, opts: RunOptions, fromDir: string | undefined): TrainConfig {
  const t = opts.settings.training;
  // A background run (keep learning) takes one thread and shows itself in the status bar only.
  // The keystroke figures are for the user who asked for the run, not for background runs.
  const plan = planRun({
    minutes: opts.minutes,
    cores: availableParallelism(),
    threads: opts.background ? 1 : t.threads,
    from: fromDir,
    keystrokes: !opts.background,
  });
  const threshold = opts.settings.completion.confidenceThreshold;
  return {
    data: ws.folders,
    out: ws.storage.current,
    from: fromDir,
    ...plan,
    epochs: Math.min(plan.epochs, t.epochs),
    // Typing comes first: the run's threads take the cores only when completions and the host do not want them.
    lowPriority: true,
    // A threshold the user chose is the one the new model will serve at; otherwise the run calibrates one.
    servingThreshold: typeof threshold === 'number' ? threshold : undefined,
    focusFiles: opts.focusFiles,
    batchSize: t.batchSize,
    seqLen: t.seqLength,
    lr: t.learningRate,
    validationSplit: t.validationSplit,
    maxCorpusChars: Math.round(t.maxCorpusMB * 1e6),
    maxFileBytes: Math.round(t.maxFileMB * 1e6),
    exclude: t.exclude,
    mode: t.mode,
    backend: opts.settings.backend,
    modulePaths: ws.modulePaths(),
    name: `workspace (${fromDir ? 'fine-tuned' : 'from scratch'})`,
  };
}

export class TrainingController {
  private job: TrainingJob | undefined;
  /** The run's starting and best validation loss so far (nats/char). */
  private start: number | undefined;
  private best: number | undefined;
  /** Better models the current run has saved so far (none serves before the run ends). */
  checkpointsThisRun = 0;
  lastRun: TrainingRunResult | undefined;
  readonly history: EpochRecord[] = [];

  /**
   * The host's event loop from activation (or the last run) to the next run's start, logged beside the run's own
   * figures: a baseline from the same session, for developers and the UI test (LSTM_COMPLETE_HOST_WATCH set).
   */
  private between = process.env.LSTM_COMPLETE_HOST_WATCH ? watchEventLoop() : undefined;
  /** With LSTM_COMPLETE_HOST_PROFILE set, the host's CPU profile from activation to the first run, too. */
  private betweenProfile = startHostProfile();

  constructor(
    private readonly hooks: TrainingHooks,
    private readonly workspace: RunWorkspace,
  ) {}

  get running(): boolean {
    return this.job !== undefined;
  }

  stop(): boolean {
    if (!this.job) return false;
    this.job.cancel();
    return true;
  }

  async dispose(): Promise<void> {
    this.between?.stop();
    await this.betweenProfile?.stop();
    await this.job?.terminate();
  }

  /**
   * @param opts.minutes the time budget (undefined: until stopped); the run is planned to fit it
   *   (budget-plan.ts) and, when fine-tuning, replaces the model only if it beats it on the validation files.
   */
  async run(opts: RunOptions): Promise<TrainingRunResult> {
    if (this.job) throw new Error('a training run is already in progress');
    const { storage } = this.workspace;
    const archived = storage.archiveCurrent();
    if (archived) this.hooks.log(`training: previous workspace model kept in ${archived}`);
    // Fine-tuning the workspace model itself starts from its archived copy: `current` is the output.
    const fromDir = opts.fromDir && archived && path.resolve(opts.fromDir) === path.resolve(storage.current) ? archived : opts.fromDir;
    const config = workspaceRunConfig(this.workspace, opts, fromDir);
    this.history.length = 0;
    this.start = this.best = undefined;
    this.checkpointsThisRun = 0;
    this.hooks.history(this.history);
    if (this.between) {
      this.hooks.log(`training: extension host event loop before this run: ${describeEventLoop(this.between.stop())}`);
      this.between = watchEventLoop();
    }
    if (this.betweenProfile) {
      const before = await this.betweenProfile.stop();
      this.betweenProfile = undefined;
      if (before) this.hooks.log(`training: the host's CPU profile before the run: ${before}`);
    }
    const loop = watchEventLoop();
    const profile = startHostProfile();
    const result: TrainingRunResult = { eventLoopDelayMs: { p50: 0, p99: 0, max: 0 } };
    try {
      await vscode.window.withProgress(
        opts.background
          ? { location: vscode.ProgressLocation.Window, title: 'LSTM: learning from your saves' }
          : { location: vscode.ProgressLocation.Notification, title: 'LSTM: training on workspace', cancellable: true },
        async (progress, token) => {
          const job = await this.startJob(opts, config, this.progressHandler(progress, config, opts.minutes), result);
          const sub = token.onCancellationRequested(() => {
            this.hooks.log('training: cancel requested; stopping after this batch');
            job.cancel();
          });
          const activity = watchEditorActivity(job);
          try {
            result.summary = await job.done;
            this.hooks.log(
              `training: ${result.summary.stoppedBy} after ${result.summary.steps} steps, best validation ${result.summary.bestValLoss?.toFixed(4) ?? 'n/a'} nats/char, ${result.summary.charsPerSec} chars/s on ${result.summary.backend}`,
            );
            result.verdict = runVerdict(result.summary);
            if (result.summary.improved) this.recordOutcome(result.summary.out, result.verdict);
            if (result.summary.improved && !result.verdict.switched) this.keepPrevious(archived);
            // Once, with the threshold calibrated for it (meta.json), after the check: never a model that types worse.
            else if (result.verdict.switched) await this.hooks.switchTo(result.summary.out);
            this.hooks.verdict(result.verdict, Boolean(opts.background));
            this.hooks.log(`training: ${result.verdict.message}`);
          } finally {
            sub.dispose();
            activity.dispose();
          }
        },
      );
    } catch (e) {
      result.error = e instanceof Error ? e.message : String(e);
      this.hooks.log(`training failed: ${result.error}`);
      if (!opts.background) void vscode.window.showErrorMessage(`LSTM: training failed: ${result.error}`);
    } finally {
      this.job = undefined;
      const { stalls: worst, ...lag } = loop.stop();
      result.eventLoopDelayMs = lag;
      const profiled = await profile?.stop();
      if (profiled) this.hooks.log(`training: the host's CPU profile during the run: ${profiled}`);
      if (worst.length) this.hooks.log(`training: the host's longest stalls: ${describeStalls(worst)}`);
      this.hooks.log(
        `training: extension host event-loop delay p50 ${result.eventLoopDelayMs.p50.toFixed(1)} ms, p99 ${result.eventLoopDelayMs.p99.toFixed(1)} ms, max ${result.eventLoopDelayMs.max.toFixed(1)} ms`,
      );
      this.hooks.status(undefined);
      this.lastRun = result;
    }
    return result;
  }

  /** What the run decided goes into its model's meta.json, so Choose Checkpoint can say it later. */
  private recordOutcome(dir: string, v: RunVerdict): void {
    const keysGained =
      v.gain !== undefined
        ? v.gain.gain * 100
        : v.keystrokesBefore !== undefined && v.keystrokesAfter !== undefined
          ? (v.keystrokesAfter - v.keystrokesBefore) * 100
          : undefined;
    try {
      setRunOutcome(dir, { switched: v.switched, ...(keysGained !== undefined ? { keysGained } : {}) });
    } catch (e) {
      // A note for the list, never a reason to lose the run.
      this.hooks.log(`training: could not record the run's outcome in ${dir}: ${(e as Error).message}`);
    }
  }

  /** The run's model is not kept: the workspace model from before the run (if any) is `current` again. */
  private keepPrevious(archived: string | undefined): void {
    const unused = this.workspace.storage.rejectCurrent(archived);
    this.hooks.log(`training: the run's model is not used (kept in ${unused}); completions keep the model they used`);
  }

  /** Where the run goes is the runner's to decide (training/runner/start-run.ts); the editor says why, and warns when asked for the GPU in vain. */
  private async startJob(opts: RunOptions, config: TrainConfig, onEvent: (e: TrainEvent) => void, result: TrainingRunResult): Promise<TrainingJob> {
    const { job, host } = await startRun(config, onEvent, {
      backend: opts.settings.backend,
      modulePaths: config.modulePaths,
      nodePath: opts.settings.nodePath,
    });
    this.hooks.log(`training: ${host.reason}`);
    // The user asked for the GPU by name: say plainly why it is not used, not only in the log.
    if (opts.settings.backend === 'webgpu' && host.kind === 'worker') void vscode.window.showWarningMessage(`LSTM: ${host.reason}.`);
    result.host = host.kind;
    this.job = job;
    return job;
  }

  /** The run's events as progress, status bar, log and loss curve. */
  private progressHandler(
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    config: TrainConfig,
    minutes: number | undefined,
  ): (e: TrainEvent) => void {
    let lastFrac = 0;
    let backend = '';
    const started = Date.now();
    const budgetMs = minutes === undefined ? undefined : minutes * 60_000;
    let lastShown = 0;
    const onBatch = (e: Extract<TrainEvent, { type: 'batch' }>) => {
      const elapsed = Date.now() - started;
      this.hooks.curvePoint({ ms: elapsed, train: e.loss });
      // Small batches come hundreds a second: the notification and the status bar (each a message to the
      // workbench) change at most every PROGRESS_EVERY_MS, so the host's event loop stays free for typing.
      if (elapsed - lastShown < PROGRESS_EVERY_MS) return;
      lastShown = elapsed;
      const words = progressWords({
        elapsedMs: elapsed,
        budgetMs,
        batch: e,
        epochs: config.epochs,
        startLoss: this.start,
        bestLoss: this.best,
        keystrokeCheck: Boolean(config.keystrokeCheck),
        backend,
      });
      progress.report({ message: words.message, increment: budgetMs ? Math.max(0, (words.frac - lastFrac) * 100) : undefined });
      lastFrac = words.frac;
      this.hooks.status(words.status);
    };
    return (e) => {
      switch (e.type) {
        case 'log':
          this.hooks.log(`training: ${e.message}`);
          break;
        case 'backend':
          backend = e.name;
          this.hooks.backend(e.name);
          break;
        case 'corpus':
          this.hooks.log(`training: corpus ${e.report.files} files, ${e.report.chars} chars, skipped ${JSON.stringify(e.report.skipped)}`);
          progress.report({ message: `reading ${e.report.files} Python files (${(e.report.chars / 1e6).toFixed(2)} MB)` });
          break;
        case 'start':
          this.start = e.valLoss;
          this.hooks.curvePoint({ ms: Date.now() - started, validation: e.valLoss });
          this.hooks.log(`training: the current model scores ${e.valLoss.toFixed(4)} nats/char on the held-out files`);
          progress.report({ message: 'measuring the current model on files held out from training' });
          break;
        case 'batch':
          onBatch(e);
          break;
        case 'eval':
          this.history.push(e.record);
          this.hooks.history(this.history);
          this.hooks.curvePoint({ ms: Date.now() - started, validation: e.record.valLoss });
          this.hooks.log(
            `training: epoch ${e.record.epoch} train ${e.record.trainLoss.toFixed(4)} val ${e.record.valLoss.toFixed(4)} nats/char${e.best ? ' (best)' : ''}`,
          );
          break;
        case 'keystrokes':
          progress.report({ message: keystrokeWords(e.model, e.savings) });
          break;
        case 'calibrated':
          this.hooks.log(`training: the new model serves at confidence threshold ${e.calibration.confidenceThreshold}`);
          break;
        case 'checkpoint':
          this.best = e.valLoss;
          this.checkpointsThisRun++;
          this.hooks.log(`training: saved a better model (${e.valLoss.toFixed(4)} nats/char); it serves only if the run's check passes`);
          break;
      }
    };
  }
}

/** The progress notification and status bar are updated at most this often during a run. */
export const PROGRESS_EVERY_MS = 500;

/** How long after the last edit, selection change or editor switch the editor counts as idle. */
export const EDITOR_IDLE_MS = 60_000;

/**
 * Tells a run whether the user is working in the editor: busy from any edit, selection change or editor switch
 * until EDITOR_IDLE_MS pass without one (a run planned "until stopped" gives a core back meanwhile).
 */
function watchEditorActivity(job: TrainingJob): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (!timer) job.setEditorBusy(true);
    else clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      job.setEditorBusy(false);
    }, EDITOR_IDLE_MS);
    timer.unref?.();
  };
  const subs = [
    vscode.workspace.onDidChangeTextDocument(touch),
    vscode.window.onDidChangeTextEditorSelection(touch),
    vscode.window.onDidChangeActiveTextEditor(touch),
  ];
  return new vscode.Disposable(() => {
    if (timer) clearTimeout(timer);
    subs.forEach((s) => s.dispose());
  });
}
