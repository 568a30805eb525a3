/**
 * The default of every setting (contributes.configuration in package.json), stated once: readSettings() falls
 * back to these, and a test checks that package.json declares the same values. Completion and training
 * defaults come from the modules that measured them (complete.ts, budget-plan.ts). No vscode import: pure.
 */
import { DEFAULT_COMPLETION_SETTINGS } from '../serving/completion-protocol';
import { WORKSPACE_TRAINING_DEFAULTS } from '../training/loop/budget-plan';

/** The configuration section every setting lives under. */
export const SECTION = 'lstmComplete';

export const SETTINGS_DEFAULTS = {
  enable: true,
  modelPath: '',
  temperature: DEFAULT_COMPLETION_SETTINGS.temperature,
  confidenceThreshold: DEFAULT_COMPLETION_SETTINGS.confidenceThreshold,
  cache: DEFAULT_COMPLETION_SETTINGS.cache,
  cacheMaxMB: 20,
  primedStatesMB: 64,
  maxCompletionChars: DEFAULT_COMPLETION_SETTINGS.maxCompletionChars,
  multiline: DEFAULT_COMPLETION_SETTINGS.multiline,
  contextChars: DEFAULT_COMPLETION_SETTINGS.contextChars,
  minConfidence: DEFAULT_COMPLETION_SETTINGS.minConfidence,
  debounceMs: 0,
  suggestWidget: true,
  surpriseLens: false,
  logCompletions: false,
  backend: 'auto',
  nodePath: '',
  'training.minutes': WORKSPACE_TRAINING_DEFAULTS.minutes,
  'training.epochs': 100,
  'training.batchSize': WORKSPACE_TRAINING_DEFAULTS.batchSize,
  'training.seqLength': WORKSPACE_TRAINING_DEFAULTS.seqLen,
  'training.learningRate': WORKSPACE_TRAINING_DEFAULTS.lr,
  'training.validationSplit': WORKSPACE_TRAINING_DEFAULTS.validationSplit,
  'training.maxCorpusMB': 20,
  'training.maxFileMB': 1,
  'training.exclude': [] as string[],
  'training.mode': 'windows',
  'training.threads': 0,
  'training.keepLearning': false,
  'training.keepLearningMinutesPerHour': 10,
};

export type SettingName = keyof typeof SETTINGS_DEFAULTS;

/**
 * The range of every numeric setting, as package.json declares it (a test checks they agree). VS Code shows the
 * range but does not enforce it: a settings.json can say `"primedStatesMB": 1e9`. readSettings() clamps.
 */
export const SETTINGS_BOUNDS: Partial<Record<SettingName, { min: number; max: number; integer?: boolean }>> = {
  temperature: { min: 0, max: 2 },
  confidenceThreshold: { min: 0, max: 1 },
  cacheMaxMB: { min: 0.1, max: 200 },
  primedStatesMB: { min: 4, max: 1024 },
  maxCompletionChars: { min: 1, max: 2000, integer: true },
  contextChars: { min: 100, max: 100000, integer: true },
  minConfidence: { min: 0, max: 1 },
  debounceMs: { min: 0, max: 2000, integer: true },
  'training.minutes': { min: 0, max: 1440 },
  'training.epochs': { min: 0.01, max: 100000 },
  'training.batchSize': { min: 1, max: 1024, integer: true },
  'training.seqLength': { min: 8, max: 2048, integer: true },
  'training.learningRate': { min: 0.000001, max: 0.1 },
  'training.validationSplit': { min: 0, max: 0.5 },
  'training.maxCorpusMB': { min: 0.01, max: 1000 },
  'training.maxFileMB': { min: 0.001, max: 100 },
  'training.threads': { min: 0, max: 64, integer: true },
  'training.keepLearningMinutesPerHour': { min: 1, max: 60 },
};

/** At most this many exclude globs, each at most this long, are read (a glob is matched against every path). */
export const MAX_EXCLUDE_GLOBS = 200;
export const MAX_EXCLUDE_GLOB_CHARS = 1000;

/**
 * A setting's value as the code may use it: of the default's type (else the default), numbers inside their
 * declared range (integers rounded), exclude lists of strings only and bounded.
 */
export function settingValue<K extends SettingName>(name: K, raw: unknown): (typeof SETTINGS_DEFAULTS)[K] {
  const dflt = SETTINGS_DEFAULTS[name];
  if (Array.isArray(dflt)) {
    if (!Array.isArray(raw)) return dflt;
    return raw
      .filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= MAX_EXCLUDE_GLOB_CHARS)
      .slice(0, MAX_EXCLUDE_GLOBS) as (typeof SETTINGS_DEFAULTS)[K];
  }
  if (typeof raw !== typeof dflt) return dflt;
  const bounds = SETTINGS_BOUNDS[name];
  if (typeof raw === 'number' && bounds) {
    if (!Number.isFinite(raw)) return dflt;
    const v = Math.min(bounds.max, Math.max(bounds.min, raw));
    return (bounds.integer ? Math.round(v) : v) as (typeof SETTINGS_DEFAULTS)[K];
  }
  return raw as (typeof SETTINGS_DEFAULTS)[K];
}
