/**
 * A workspace training run planned to fit a time budget ("Train on Workspace" and `lstm-complete train
 * --minutes`): how many threads compute gradients, how the learning rate moves over the budget, how often
 * the run validates and checkpoints, and what changes for a small corpus. Pure: the editor and the CLI
 * call it with what they know, the trainer applies the corpus rule once it has read the files.
 */

/**
 * The hyper-parameters a workspace run uses unless the user sets others (the editor's settings' defaults).
 * A fine-tune of a few minutes on 2 cores sees about one pass over a 300-500 KB project, so what counts is
 * updates, not batch size: on the tuning package python3-markdown (2-minute runs, 20% of files held out),
 * batch 64 at lr 1e-3 cut the held-out loss by 8.7%, batch 16 by 13.2%, batch 16 at lr 3e-3 by 16.4%
 * (6e-3: 17.5%, kept lower for safety on other code).
 */
export const WORKSPACE_TRAINING_DEFAULTS = { batchSize: 16, seqLen: 256, lr: 3e-3, validationSplit: 0.05, minutes: 5 } as const;

/** Budgets the editor offers, in minutes (undefined: until stopped). */
export const BUDGET_CHOICES: readonly (number | undefined)[] = [2, 5, 15, undefined];

export interface BudgetRequest {
  /** The time budget; undefined trains until the user stops it. */
  minutes: number | undefined;
  /** Cores of the machine (os.availableParallelism()). */
  cores: number;
  /**
   * Gradient threads the user asked for; 0 or undefined chooses: all cores but one, so the editor keeps one;
   * until stopped, all of them while the editor is idle and all but one while it is in use.
   */
  threads?: number;
  /** The checkpoint the run fine-tunes, if any: a fine-tune must beat it (and is checked in keystrokes). */
  from?: string;
  /** Replay typing before and after (the keystroke check); default: when fine-tuning. */
  keystrokes?: boolean;
}

/** The part of a TrainConfig (trainer.ts) a plan sets. */
export interface PlannedRun {
  /** A fine-tune writes its output only if it beats its start on the validation files (TrainConfig.mustBeatStart). */
  mustBeatStart: boolean;
  keystrokeCheck: boolean;
  /** A small corpus holds out more and learns more gently (corpusRule, applied once the files are read). */
  smallCorpusRule: boolean;
  epochs: number;
  threads: number;
  lrSchedule: 'constant' | 'cosine';
  warmup: number;
  evalEveryMinutes: number;
  scheduleByTime: boolean;
  maxMinutes?: number;
  /** Gradient threads while the editor is in use (TrainConfig.threadsWhileBusy); unset: always `threads`. */
  threadsWhileBusy?: number;
}

/** Epochs of a budgeted run: as many as the time allows (the budget ends it). */
const UNBOUNDED_EPOCHS = 100_000;

/** The run plan of a workspace run, the same for the editor and the CLI: the budget's schedule and the run's checks. */
export function planRun(req: BudgetRequest): PlannedRun {
  const checks = { mustBeatStart: Boolean(req.from), keystrokeCheck: req.keystrokes ?? Boolean(req.from), smallCorpusRule: true };
  return { ...checks, ...schedule(req) };
}

function schedule(req: BudgetRequest): Omit<PlannedRun, 'mustBeatStart' | 'keystrokeCheck' | 'smallCorpusRule'> {
  const chosen = req.threads && req.threads > 0 ? Math.floor(req.threads) : undefined;
  const threads = chosen ?? Math.max(1, req.cores - 1);
  if (req.minutes === undefined) {
    // No end to aim a schedule at: a constant rate, a checkpoint every few minutes. A run this long uses every
    // core while the user is away and gives one back while they type.
    const idle = chosen === undefined && req.cores > 1 ? { threads: req.cores, threadsWhileBusy: req.cores - 1 } : { threads };
    return { epochs: UNBOUNDED_EPOCHS, ...idle, lrSchedule: 'constant', warmup: 0.0, evalEveryMinutes: 5, scheduleByTime: false };
  }
  if (!(req.minutes > 0)) throw new RangeError(`a time budget must be positive, got ${req.minutes}`);
  return {
    epochs: UNBOUNDED_EPOCHS,
    maxMinutes: req.minutes,
    threads,
    // Warm up over the first 5% of the budget (a fine-tune starts with fresh Adam moments), then a cosine
    // decay that reaches its floor as the budget ends, so the last checkpoint is taken at a low rate.
    lrSchedule: 'cosine',
    warmup: 0.05,
    scheduleByTime: true,
    // About four checkpoints per run, none closer than 30 s apart (each costs a validation pass).
    evalEveryMinutes: Math.min(5, Math.max(0.5, req.minutes / 4)),
  };
}

export interface CorpusRule {
  validationSplit: number;
  /** Why the rule changed anything (for the log), or undefined. */
  note?: string;
}

/** Below this much Python a workspace counts as small. */
export const SMALL_CORPUS_CHARS = 50_000;

/**
 * A small workspace (< 50 KB): a few files hold the validation figure that decides whether the new model
 * replaces the old one, so at least 20% of the text is held out for it. The run never replaces a model it
 * does not beat there (TrainConfig.mustBeatStart), so a small workspace never ends worse off. A lower learning
 * rate was tried and not kept: on 44 KB of python3-markdown (a tuning package), 2 minutes, the held-out loss fell
 * 10.9% at 1e-3 and 11.6% at 3e-3, still falling at the end of both runs.
 */
export function corpusRule(chars: number, validationSplit: number): CorpusRule {
  if (chars >= SMALL_CORPUS_CHARS || validationSplit >= 0.2) return { validationSplit };
  return {
    validationSplit: 0.2,
    note: `a small workspace (${Math.round(chars / 1000)} KB of Python): 20% of it held out to check the new model against the old one`,
  };
}

/**
 * Below this much Python a fine-tune is not worth starting without asking: the completion cache already offers
 * what these files repeat, and a few minutes of training on them rarely types better (measured:
 * docs/training.md). The user is told before the run and may go on anyway.
 */
export const GAIN_FLOOR_BYTES = 30_000;

/** What Train on Workspace says before fine-tuning on a workspace under GAIN_FLOOR_BYTES. */
export function smallWorkspaceWarning(bytes: number, files: number): string {
  const kb = Math.max(1, Math.round(bytes / 1000));
  return (
    `This workspace has ${files} Python file${files === 1 ? '' : 's'} (${kb} KB). The completion cache already uses them: ` +
    `it completes the names and lines they repeat. A fine-tune on under ${GAIN_FLOOR_BYTES / 1000} KB rarely makes the ghost text ` +
    `type better; if it does not, the current model is kept. Train anyway?`
  );
}
