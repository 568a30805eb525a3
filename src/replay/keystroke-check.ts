/**
 * A short replay that says what a model's ghost text saves on a set of files: the figure a workspace training
 * run reports before and after ("keystrokes saved 31% → 38%"). The Tab user types windows of the files with
 * the completion engine's default settings and the files themselves as the workspace (each file left out
 * while it is typed), as `lstm-complete replay` does, on a budget small enough to run in seconds.
 */
import { ModelWeights } from '../model/architecture';
import { LstmStepper, SERVING_PRECISION } from '../inference/lstm-stepper';
import { TextIndex } from '../workspace-index/text-index';
import { CompletionSettings, DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';
import { modelCompleter } from './completers';
import { replay } from './replay';
import { ReplayFile, typingTasks } from './tasks';
import type { LineTally } from './metrics';

export interface KeystrokeCheckOptions {
  /** Typed characters in all (default KEYSTROKE_CHECK_CHARS). */
  maxChars?: number;
  /** Typed characters per file window (default 400, so the budget samples several files; more when there are few). */
  fileChars?: number;
  /** Which windows of the files are typed (default 1). */
  seed?: number;
  settings?: CompletionSettings;
  /** The confidence threshold to serve at (default: `settings`' own). */
  threshold?: number;
}

export interface KeystrokeCheck {
  /** 1 - keystrokes / characters for the Tab user (0 when nothing was typed). */
  savings: number;
  /** Characters typed. */
  chars: number;
  /** Accepted suggestions / shown suggestions (0 when none was shown). */
  acceptedShare: number;
  shown: number;
  /** Keystrokes line by line, to pair with another model's check on the same text (util/paired-gain.ts). */
  lines: LineTally[];
}

/**
 * Typed characters a check decides on (all of the files when they hold fewer): about 7 s on one core of this
 * project's 2-core machines (int16 stepper, ~3,000 characters/s). 2,000 once switched a model for +0.25 points
 * that typing 6,000 characters of the same files turned into −2.1; on 20,000 a paired bootstrap tells a gain of
 * about ±1 point from none.
 */
export const KEYSTROKE_CHECK_CHARS = 20_000;

/**
 * The per-file window that spends the budget: files shorter than it are typed whole and the rest of the budget goes
 * to the longer ones (an even share, maxChars / files, left most of it unspent when many files are short), never
 * under 400 characters, so a window holds a few lines.
 */
export function windowChars(files: readonly ReplayFile[], maxChars: number): number {
  const sizes = files.map((f) => f.text.length).sort((a, b) => a - b);
  let left = maxChars;
  for (let i = 0; i < sizes.length; i++) {
    const share = left / (sizes.length - i);
    if (sizes[i] > share) return Math.max(400, Math.ceil(share));
    left -= sizes[i];
  }
  return Number.POSITIVE_INFINITY; // everything fits: every file whole
}

export async function keystrokeCheck(weights: ModelWeights, files: ReplayFile[], opts: KeystrokeCheckOptions = {}): Promise<KeystrokeCheck> {
  const base = opts.settings ?? DEFAULT_COMPLETION_SETTINGS;
  const settings = opts.threshold === undefined ? base : { ...base, confidenceThreshold: opts.threshold };
  const maxChars = opts.maxChars ?? KEYSTROKE_CHECK_CHARS;
  const fileChars = opts.fileChars ?? windowChars(files, maxChars);
  const tasks = typingTasks(files, { maxChars, fileChars, seed: opts.seed ?? 1 });
  if (!tasks.length) return { savings: 0, chars: 0, acceptedShare: 0, shown: 0, lines: [] };
  const workspace = settings.cache === 'workspace' ? TextIndex.build(files.map((f) => ({ key: f.relative, text: f.text }))) : undefined;
  const [row] = await replay(tasks, [modelCompleter(new LstmStepper(weights, { precision: SERVING_PRECISION }), settings, 'model', workspace)], {
    users: ['tab'],
    lines: true,
  });
  const f = row.figures;
  return { savings: f.savings, chars: f.chars, acceptedShare: f.acceptedShare, shown: f.shown, lines: row.lines ?? [] };
}
