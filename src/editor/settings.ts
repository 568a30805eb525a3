/** Typed access to the extension's settings (contributes.configuration in package.json). */
import * as vscode from 'vscode';
import { CompletionSettings } from '../completion/complete';
import { BackendPreference } from '../engine/backend';

export const SECTION = 'lstmComplete';

export interface TrainingSettings {
  epochs: number;
  batchSize: number;
  seqLength: number;
  learningRate: number;
  validationSplit: number;
  maxCorpusMB: number;
  exclude: string[];
  mode: 'windows' | 'carried-state';
  threads: number;
}

export interface Settings {
  enable: boolean;
  modelPath: string;
  debounceMs: number;
  backend: BackendPreference;
  /** A plain Node.js for GPU training (empty: this process if it is Node, else `node` on PATH). */
  nodePath: string;
  completion: CompletionSettings;
  training: TrainingSettings;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    enable: c.get('enable', true),
    modelPath: c.get('modelPath', ''),
    debounceMs: c.get('debounceMs', 30),
    backend: c.get('backend', 'auto') as BackendPreference,
    nodePath: c.get('nodePath', ''),
    completion: {
      temperature: c.get('temperature', 0.2),
      maxCompletionChars: c.get('maxCompletionChars', 120),
      multiline: c.get('multiline', false),
      contextChars: c.get('contextChars', 4000),
      minConfidence: c.get('minConfidence', 0.4),
    },
    training: {
      epochs: c.get('training.epochs', 5),
      batchSize: c.get('training.batchSize', 64),
      seqLength: c.get('training.seqLength', 256),
      learningRate: c.get('training.learningRate', 1e-3),
      validationSplit: c.get('training.validationSplit', 0.05),
      maxCorpusMB: c.get('training.maxCorpusMB', 20),
      exclude: c.get('training.exclude', [] as string[]),
      mode: c.get('training.mode', 'windows') as TrainingSettings['mode'],
      threads: c.get('training.threads', 1),
    },
  };
}
