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
