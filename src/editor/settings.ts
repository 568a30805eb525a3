/** Typed access to the extension's settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import { CacheSource, CompletionSettings, DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';
import { BackendPreference } from '../engine/backend';
import { WORKSPACE_TRAINING_DEFAULTS } from '../training/loop/budget-plan';

export const SECTION = 'lstmComplete';

export interface TrainingSettings {
  /** Time budget offered first (minutes; 0: until stopped). */
  minutes: number;
  epochs: number;
  batchSize: number;
  seqLength: number;
  learningRate: number;
  validationSplit: number;
  maxCorpusMB: number;
  maxFileMB: number;
  exclude: string[];
  mode: 'windows' | 'carried-state';
  /** 0: all cores but one. */
  threads: number;
  /** Fine-tune in the background after saves (off by default). */
  keepLearning: boolean;
  keepLearningMinutesPerHour: number;
}

export interface Settings {
  enable: boolean;
  modelPath: string;
  debounceMs: number;
  backend: BackendPreference;
  /** A plain Node.js for GPU training (empty: this process if it is Node, else `node` on PATH). */
  nodePath: string;
  completion: CompletionSettings;
  /** Characters of workspace text the completion cache indexes (MB). */
  cacheMaxMB: number;
  training: TrainingSettings;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    enable: c.get('enable', true),
    modelPath: c.get('modelPath', ''),
    debounceMs: c.get('debounceMs', 0),
    backend: c.get('backend', 'auto') as BackendPreference,
    nodePath: c.get('nodePath', ''),
    completion: {
      ...DEFAULT_COMPLETION_SETTINGS,
      temperature: c.get('temperature', DEFAULT_COMPLETION_SETTINGS.temperature),
      confidenceThreshold: c.get('confidenceThreshold', DEFAULT_COMPLETION_SETTINGS.confidenceThreshold),
      maxCompletionChars: c.get('maxCompletionChars', DEFAULT_COMPLETION_SETTINGS.maxCompletionChars),
      multiline: c.get('multiline', DEFAULT_COMPLETION_SETTINGS.multiline),
      contextChars: c.get('contextChars', DEFAULT_COMPLETION_SETTINGS.contextChars),
      minConfidence: c.get('minConfidence', DEFAULT_COMPLETION_SETTINGS.minConfidence),
      cache: c.get('cache', DEFAULT_COMPLETION_SETTINGS.cache) as CacheSource,
    },
    cacheMaxMB: c.get('cacheMaxMB', 20),
    training: {
      minutes: c.get('training.minutes', WORKSPACE_TRAINING_DEFAULTS.minutes),
      epochs: c.get('training.epochs', 100),
      batchSize: c.get('training.batchSize', WORKSPACE_TRAINING_DEFAULTS.batchSize),
      seqLength: c.get('training.seqLength', WORKSPACE_TRAINING_DEFAULTS.seqLen),
      learningRate: c.get('training.learningRate', WORKSPACE_TRAINING_DEFAULTS.lr),
      validationSplit: c.get('training.validationSplit', WORKSPACE_TRAINING_DEFAULTS.validationSplit),
      maxCorpusMB: c.get('training.maxCorpusMB', 20),
      maxFileMB: c.get('training.maxFileMB', 1),
      exclude: c.get('training.exclude', [] as string[]),
      mode: c.get('training.mode', 'windows') as TrainingSettings['mode'],
      threads: c.get('training.threads', 0),
      keepLearning: c.get('training.keepLearning', false),
      keepLearningMinutesPerHour: c.get('training.keepLearningMinutesPerHour', 10),
    },
  };
}
