/** Typed access to the extension's settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import { CacheSource, CompletionSettings, DEFAULT_COMPLETION_SETTINGS } from '../completion/complete';
import { SECTION, SETTINGS_DEFAULTS as D } from './settings-defaults';
import { BackendPreference } from '../engine/backend';

export { SECTION };

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
    enable: c.get('enable', D['enable']),
    modelPath: c.get('modelPath', D['modelPath']),
    debounceMs: c.get('debounceMs', D['debounceMs']),
    backend: c.get('backend', D['backend']) as BackendPreference,
    nodePath: c.get('nodePath', D['nodePath']),
    completion: {
      ...DEFAULT_COMPLETION_SETTINGS,
      temperature: c.get('temperature', D['temperature']),
      confidenceThreshold: c.get('confidenceThreshold', D['confidenceThreshold']),
      maxCompletionChars: c.get('maxCompletionChars', D['maxCompletionChars']),
      multiline: c.get('multiline', D['multiline']),
      contextChars: c.get('contextChars', D['contextChars']),
      minConfidence: c.get('minConfidence', D['minConfidence']),
      cache: c.get('cache', D['cache']) as CacheSource,
    },
    cacheMaxMB: c.get('cacheMaxMB', D['cacheMaxMB']),
    training: {
      minutes: c.get('training.minutes', D['training.minutes']),
      epochs: c.get('training.epochs', D['training.epochs']),
      batchSize: c.get('training.batchSize', D['training.batchSize']),
      seqLength: c.get('training.seqLength', D['training.seqLength']),
      learningRate: c.get('training.learningRate', D['training.learningRate']),
      validationSplit: c.get('training.validationSplit', D['training.validationSplit']),
      maxCorpusMB: c.get('training.maxCorpusMB', D['training.maxCorpusMB']),
      maxFileMB: c.get('training.maxFileMB', D['training.maxFileMB']),
      exclude: c.get('training.exclude', [...D['training.exclude']]),
      mode: c.get('training.mode', D['training.mode']) as TrainingSettings['mode'],
      threads: c.get('training.threads', D['training.threads']),
      keepLearning: c.get('training.keepLearning', D['training.keepLearning']),
      keepLearningMinutesPerHour: c.get('training.keepLearningMinutesPerHour', D['training.keepLearningMinutesPerHour']),
    },
  };
}
